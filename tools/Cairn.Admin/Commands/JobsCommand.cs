using System.CommandLine;
using Cairn.BackgroundOps.V1;
using Spectre.Console;
using BackgroundOpsApi = Cairn.BackgroundOps.V1.BackgroundOps;

namespace Cairn.Admin.Commands;

/// <summary>
/// <c>jobs</c>: repair, scrub and GC progress from background-ops; <c>--run KIND</c> starts a run and shows it
/// progressing (items done so far) until it finishes.
/// </summary>
internal static class JobsCommand
{
    private static readonly Dictionary<string, JobKind> Kinds = new(StringComparer.Ordinal)
    {
        ["repair"] = JobKind.Repair,
        ["scrub"] = JobKind.Scrub,
        ["gc"] = JobKind.GcReconcile,
    };

    public static Command Create(ClusterOptions cluster, IAnsiConsole console)
    {
        var run = new Option<string?>("--run") { Description = "start a run of this job and follow it: repair, scrub or gc" };
        run.AcceptOnlyFromAmong([.. Kinds.Keys]);
        var command = new Command("jobs", "Background jobs (repair, scrub, GC): state, runs, items done, last error") { run };
        command.Aliases.Add("repair");
        command.SetRun(console, async (parse, ct) =>
        {
            using var channel = ClusterOptions.Channel(ClusterOptions.Required(parse, cluster.BackgroundOps));
            var ops = new BackgroundOpsApi.BackgroundOpsClient(channel);
            if (parse.GetValue(run) is { } name)
            {
                var finished = await FollowRunAsync(console, ops, Kinds[name], ct);
                console.MarkupLineInterpolated($"{name} run {finished.Runs} finished: {finished.State}, {finished.ItemsDone} item(s)");
            }

            var status = await ops.GetStatusAsync(new GetStatusRequest(), cancellationToken: ct);
            var table = new Table().AddColumns("Job", "State", "Runs", "Items done", "Last started", "Last finished", "Last error");
            foreach (var j in status.Jobs)
            {
                table.AddRow(Name(j.Kind), StateMarkup(j.State), j.Runs.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    j.ItemsDone.ToString(System.Globalization.CultureInfo.InvariantCulture), Format.Time(j.LastStartedUnixMs), Format.Time(j.LastFinishedUnixMs),
                    Markup.Escape(j.LastError));
            }

            console.Write(table);
            if (status.Repairs.Count > 0)
            {
                var repairs = new Table().AddColumns("Disk", "Reason", "Shards seen", "Repaired", "Failed", "Superseded", "Bytes", "Done");
                foreach (var r in status.Repairs)
                {
                    repairs.AddRow(Markup.Escape(r.DiskId), Markup.Escape(r.Reason), N(r.ShardsSeen), N(r.ShardsRepaired),
                        r.ShardsFailed > 0 ? $"[red]{N(r.ShardsFailed)}[/]" : "0", N(r.ShardsSuperseded), N(r.Bytes), r.Finished ? "yes" : "[yellow]running[/]");
                }

                console.Write(repairs);
            }

            console.MarkupLine($"GC retry queue {status.GcQueueLength}, shards deleted {status.ShardsDeleted}, events received {status.EventsReceived}");
            return status.Jobs.Any(j => j.State == "failed") ? CommandRunner.Unhealthy : CommandRunner.Ok;
        });
        return command;
    }

    private static string N(ulong value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Triggers the job and, while the call is out, shows the items it has done so far.</summary>
    private static async Task<JobStatus> FollowRunAsync(IAnsiConsole console, BackgroundOpsApi.BackgroundOpsClient ops, JobKind kind, CancellationToken ct)
    {
        JobStatus? finished = null;
        await console.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new SpinnerColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask($"{Name(kind)}: starting").IsIndeterminate();
                var trigger = ops.TriggerJobAsync(new TriggerJobRequest { Kind = kind }, cancellationToken: ct).ResponseAsync;
                while (await Task.WhenAny(trigger, Task.Delay(500, ct)) != trigger)
                {
                    var now = await ops.GetStatusAsync(new GetStatusRequest(), cancellationToken: ct);
                    if (now.Jobs.FirstOrDefault(j => j.Kind == kind) is { } job)
                    {
                        task.Description = $"{Name(kind)}: {job.State}, {job.ItemsDone} item(s)";
                    }
                }

                finished = (await trigger).Status;
                task.Description = $"{Name(kind)}: {finished.State}, {finished.ItemsDone} item(s)";
                task.IsIndeterminate(false).Value = task.MaxValue;
            });
        return finished!;
    }

    private static string Name(JobKind kind) => kind switch
    {
        JobKind.Repair => "repair",
        JobKind.Scrub => "scrub",
        JobKind.GcReconcile => "gc",
        _ => "unknown",
    };

    private static string StateMarkup(string state) => state switch
    {
        "running" => "[yellow]running[/]",
        "failed" => "[red]failed[/]",
        _ => Markup.Escape(state),
    };
}
