/**
 * What a store author and a Docket user need to test against Docket: the {@link
 * dev.docket.testkit.JobStorageContract} every store must pass, AssertJ entry points in {@link
 * dev.docket.testkit.DocketAssertions}, and a settable {@link dev.docket.testkit.MutableClock}.
 */
package dev.docket.testkit;
