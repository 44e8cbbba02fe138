package dev.docket.grpc.archfixture;

/** A class of a new module that has no declared allow-list in DocketRules. */
public final class GrpcServer {

  public void serve() {}
}
