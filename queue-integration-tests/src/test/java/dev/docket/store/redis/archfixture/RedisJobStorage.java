package dev.docket.store.redis.archfixture;

/** A stand-in class of a store that has no declared allow-list in DocketRules. */
public final class RedisJobStorage {

  public void connect() {}
}
