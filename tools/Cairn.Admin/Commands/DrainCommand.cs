using System.CommandLine;
using Cairn.Placement.V1;
using Spectre.Console;
using PlacementApi = Cairn.Placement.V1.Placement;

namespace Cairn.Admin.Commands;

/// <summary>
/// <c>drain NODE</c>: placement stops choosing the node's disks for new shards; with <c>--wait</c>, a progress bar
/// follows the shards still on them until none is left (moving them is background work) or the timeout passes.
/// </summary>
internal static class DrainCommand
{
    public static Command Create(ClusterOptions cluster, IAnsiConsole console)
    {
        var node = new Argument<string>("node") { Description = "node id, as `disks` shows it" };
        var undo = new Option<bool>("--undo") { Description = "return the node's disks to active" };
        var wait = new Option<bool>("--wait") { Description = "follow the shards left on the node until none remains" };
        var timeout = new Option<TimeSpan>("--timeout")
        {
            Description = "how long --wait follows the drain (e.g. 00:10:00)",
            DefaultValueFactory = _ => TimeSpan.FromMinutes(10),
        };
        var interval = new Option<TimeSpan>("--interval") { Description = "how often --wait asks placement", DefaultValueFactory = _ => TimeSpan.FromSeconds(2) };
        var command = new Command("drain", "Drain a node: no new shards go to its disks") { node, undo, wait, timeout, interval };
        command.SetRun(console, async (parse, ct) =>
        {
            using var channel = ClusterOptions.Channel(ClusterOptions.Required(parse, cluster.Placement));
            var placement = new PlacementApi.PlacementClient(channel);
            var nodeId = parse.GetValue(node)!;
            var reply = await placement.DrainNodeAsync(new DrainNodeRequest { NodeId = nodeId, Undo = parse.GetValue(undo) }, cancellationToken: ct);

            var table = new Table().AddColumns("Disk", "State", "Shards", "Used");
            foreach (var d in reply.Disks.OrderBy(d => d.DiskId, StringComparer.Ordinal))
            {
                table.AddRow(Markup.Escape(d.DiskId), Format.State(d.State), d.ShardCount.ToString(System.Globalization.CultureInfo.InvariantCulture), Format.Bytes(d.UsedBytes));
            }

            console.Write(table);
            console.MarkupLineInterpolated($"Node {nodeId}: {reply.Disks.Count} disk(s) {(parse.GetValue(undo) ? "active again" : "draining")}.");
            if (!parse.GetValue(wait) || parse.GetValue(undo))
            {
                return CommandRunner.Ok;
            }

            var left = await FollowAsync(console, placement, nodeId, (long)reply.Disks.Sum(d => (double)d.ShardCount), parse.GetValue(timeout), parse.GetValue(interval), ct);
            if (left == 0)
            {
                console.MarkupLineInterpolated($"[green]Node {nodeId} holds no shards: it can be removed.[/]");
                return CommandRunner.Ok;
            }

            console.MarkupLineInterpolated($"[yellow]Drain not complete: {left} shard(s) still on {nodeId} after {parse.GetValue(timeout)}.[/]");
            return CommandRunner.TimedOut;
        });
        return command;
    }

    /// <summary>Polls the disk map until the node's disks hold no shards; returns how many are left at the end.</summary>
    private static async Task<long> FollowAsync(IAnsiConsole console, PlacementApi.PlacementClient placement, string nodeId, long initial,
        TimeSpan timeout, TimeSpan interval, CancellationToken ct)
    {
        var left = initial;
        var deadline = DateTime.UtcNow + timeout;
        await console.Progress().AutoClear(false).StartAsync(async progress =>
        {
            var task = progress.AddTask($"draining {Markup.Escape(nodeId)}", maxValue: Math.Max(1, initial));
            while (true)
            {
                var map = await placement.GetDiskMapAsync(new GetDiskMapRequest(), cancellationToken: ct);
                left = (long)map.Disks.Where(d => d.NodeId == nodeId).Sum(d => (double)d.ShardCount);
                task.Value = Math.Max(0, initial - left);
                if (left == 0 || DateTime.UtcNow >= deadline)
                {
                    task.Value = left == 0 ? task.MaxValue : task.Value;
                    return;
                }

                await Task.Delay(interval, ct); // the next look at the disk map
            }
        });
        return left;
    }
}
