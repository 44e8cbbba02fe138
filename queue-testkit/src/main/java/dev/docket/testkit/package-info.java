/**
 * What a store author and a Docket user need to test against Docket: the contract suite every store
 * must pass, AssertJ entry points in {@link dev.docket.testkit.DocketAssertions}, and a settable
 * {@link dev.docket.testkit.MutableClock}.
 *
 * <p>The suite comes in parts, one abstract class per capability of the {@link
 * dev.docket.usecase.port.JobStorage} port over one shared {@link
 * dev.docket.testkit.JobStorageFixture}, so that a new store can be brought up part by part: {@link
 * dev.docket.testkit.SubmissionContract}, {@link dev.docket.testkit.ClaimContract}, {@link
 * dev.docket.testkit.ReportContract}, {@link dev.docket.testkit.LeaseContract}, {@link
 * dev.docket.testkit.OperationsContract}, {@link dev.docket.testkit.MaintenanceContract} and {@link
 * dev.docket.testkit.ConcurrencyContract}. {@link dev.docket.testkit.ControlContract} and {@link
 * dev.docket.testkit.NodeRegistryContract} cover the other ports a store shares between nodes.
 */
package dev.docket.testkit;
