/** An application that embeds Docket on PostgreSQL with the runtime's builder and nothing else. */
package dev.docket.example;
