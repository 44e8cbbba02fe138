/**
 * JMH benchmarks: the in-memory store's job life (insert, claim, report), the use-case processor
 * draining that store, and the domain's per-job steps. Run {@code java -jar
 * queue-benchmarks/target/benchmarks.jar} after {@code ./mvnw -pl queue-benchmarks -am package}.
 */
package dev.docket.benchmarks;
