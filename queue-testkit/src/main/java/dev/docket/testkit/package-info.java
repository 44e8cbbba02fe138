/**
 * What a store author and a Docket user need to test against Docket: the {@link
 * dev.docket.testkit.JobStorageContract} every store must pass (with {@link
 * dev.docket.testkit.ControlContract} and {@link dev.docket.testkit.NodeRegistryContract} for the
 * other ports of a {@code DocketStore}), AssertJ entry points in {@link
 * dev.docket.testkit.DocketAssertions}, and a settable {@link dev.docket.testkit.MutableClock}.
 */
package dev.docket.testkit;
