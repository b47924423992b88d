using Cairn.BackgroundOps.Gc;
using Cairn.BackgroundOps.Scrub;

namespace Cairn.BackgroundOps.Jobs;

public enum OpsJobKind
{
    GcReconcile,
    Scrub,
    Repair,
}

/// <summary>What one run did. <paramref name="State"/> overrides the usual idle/failed (e.g. not-implemented).</summary>
public sealed record JobOutcome(ulong ItemsDone, string? Error = null, string? State = null);

public interface IOpsJob
{
    OpsJobKind Kind { get; }

    Task<JobOutcome> RunAsync(CancellationToken ct);
}

public sealed class GcReconcileJob(Reconciler reconciler) : IOpsJob
{
    public OpsJobKind Kind => OpsJobKind.GcReconcile;

    public async Task<JobOutcome> RunAsync(CancellationToken ct)
    {
        var r = await reconciler.RunAsync(ct);
        return new JobOutcome(r.ShardsDeleted, Summarise(r.Errors));
    }

    internal static string? Summarise(IReadOnlyList<string> errors) =>
        errors.Count == 0 ? null : $"{errors.Count} disk(s) failed: " + string.Join("; ", errors.Take(5));
}

public sealed class ScrubJob(ScrubRunner runner) : IOpsJob
{
    public OpsJobKind Kind => OpsJobKind.Scrub;

    public async Task<JobOutcome> RunAsync(CancellationToken ct)
    {
        var r = await runner.RunAsync(ct);
        return new JobOutcome(r.ShardsChecked, GcReconcileJob.Summarise(r.Errors));
    }
}

/// <summary>Repair is a later issue. Saying so beats a job that reports success and repairs nothing.</summary>
public sealed class RepairJob : IOpsJob
{
    public const string NotImplemented = "not-implemented";

    public OpsJobKind Kind => OpsJobKind.Repair;

    public Task<JobOutcome> RunAsync(CancellationToken ct) => Task.FromResult(new JobOutcome(
        0, "repair is not implemented yet; scrub records corrupt shards (see the dashboard) for it", NotImplemented));
}
