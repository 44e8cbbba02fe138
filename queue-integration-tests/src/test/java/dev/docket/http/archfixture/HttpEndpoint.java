package dev.docket.http.archfixture;

/** A stand-in HTTP class, the target of forbidden dependencies. */
public final class HttpEndpoint {

  public void serve() {}
}
