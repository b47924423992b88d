namespace Cairn.BackgroundOps.Jobs;

public sealed record JobStatusView(
    OpsJobKind Kind,
    string State,
    DateTimeOffset? LastStarted,
    DateTimeOffset? LastFinished,
    ulong ItemsDone,
    ulong Runs,
    string LastError);

/// <summary>
/// Runs jobs one at a time per kind (a trigger during a run waits for it, then runs afresh, so its answer
/// reflects a run that started after the trigger) and keeps each kind's status.
/// </summary>
public sealed class JobRunner
{
    public const string Idle = "idle";
    public const string Running = "running";
    public const string Failed = "failed";

    private readonly Dictionary<OpsJobKind, Slot> _slots;
    private readonly BackgroundOpsMetrics _metrics;
    private readonly TimeProvider _time;

    public JobRunner(IEnumerable<IOpsJob> jobs, BackgroundOpsMetrics metrics, TimeProvider time)
    {
        _slots = jobs.ToDictionary(j => j.Kind, j => new Slot(j));
        _metrics = metrics;
        _time = time;
    }

    public IReadOnlyList<JobStatusView> Statuses() => _slots.Values.Select(s => s.View()).OrderBy(v => v.Kind).ToList();

    public async Task<JobStatusView> RunAsync(OpsJobKind kind, CancellationToken ct)
    {
        if (!_slots.TryGetValue(kind, out var slot))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such job");
        }

        await slot.Gate.WaitAsync(ct);
        try
        {
            slot.Start(_time.GetUtcNow());
            try
            {
                var outcome = await slot.Job.RunAsync(ct);
                slot.Finish(_time.GetUtcNow(), outcome);
                _metrics.JobRan(kind.ToString(), outcome.State ?? (outcome.Error is null ? "ok" : "partial"));
            }
            catch (Exception e)
            {
                slot.Finish(_time.GetUtcNow(), new JobOutcome(0, e.Message, ct.IsCancellationRequested ? Idle : Failed));
                _metrics.JobRan(kind.ToString(), "failed");
                if (ct.IsCancellationRequested)
                {
                    throw;
                }
            }

            return slot.View();
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    private sealed class Slot(IOpsJob job)
    {
        private readonly Lock _lock = new();
        private string _state = Idle;
        private DateTimeOffset? _started;
        private DateTimeOffset? _finished;
        private ulong _items;
        private ulong _runs;
        private string _error = "";

        public IOpsJob Job => job;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public void Start(DateTimeOffset at)
        {
            lock (_lock)
            {
                _state = Running;
                _started = at;
            }
        }

        public void Finish(DateTimeOffset at, JobOutcome outcome)
        {
            lock (_lock)
            {
                // A run that touched every disk but some is "idle" with an error: it did its work where it could.
                _state = outcome.State ?? Idle;
                _finished = at;
                _items = outcome.ItemsDone;
                _runs++;
                _error = outcome.Error ?? "";
            }
        }

        public JobStatusView View()
        {
            lock (_lock)
            {
                return new JobStatusView(job.Kind, _state, _started, _finished, _items, _runs, _error);
            }
        }
    }
}
