package dev.docket.metrics.archfixture;

import dev.docket.http.archfixture.HttpEndpoint;

/** A metrics class that serves its own endpoint: serving metrics is the HTTP module's job. */
public final class MetricsUsingTheHttpServer {

  public void publish() {
    new HttpEndpoint().serve();
  }
}
