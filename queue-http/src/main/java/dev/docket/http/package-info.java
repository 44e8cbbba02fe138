/**
 * The HTTP face of a Docket node: {@link dev.docket.http.DocketServer} serves the JSON API, the
 * dashboard, health probes, the OpenAPI document and the Prometheus endpoint; {@link
 * dev.docket.http.HttpModule} wires it with Guice. Settings are {@link
 * dev.docket.http.HttpOptions}.
 */
package dev.docket.http;
