using System.CommandLine;
using Cairn.Heat.V1;
using Cairn.Placement.V1;
using Grpc.Core;
using Spectre.Console;
using HeatApi = Cairn.Heat.V1.HeatMonitor;
using PlacementApi = Cairn.Placement.V1.Placement;

namespace Cairn.Admin.Commands;

/// <summary><c>disks</c>: every disk with its state, fill and heat (the heat monitor's live figures when reachable).</summary>
internal static class DisksCommand
{
    public static Command Create(ClusterOptions cluster, IAnsiConsole console)
    {
        var node = new Option<string?>("--node") { Description = "only the disks of this node" };
        var sort = new Option<string>("--sort") { Description = "order: node, heat or fill", DefaultValueFactory = _ => "node" };
        sort.AcceptOnlyFromAmong("node", "heat", "fill");
        var command = new Command("disks", "Disks with state, used/capacity, fill, shards and heat") { node, sort };
        command.SetRun(console, async (parse, ct) =>
        {
            using var channel = ClusterOptions.Channel(ClusterOptions.Required(parse, cluster.Placement));
            var map = await new PlacementApi.PlacementClient(channel).GetDiskMapAsync(new GetDiskMapRequest(), cancellationToken: ct);
            var heat = await TryHeatMapAsync(parse.GetValue(cluster.HeatMonitor), ct);
            var disks = map.Disks.Where(d => parse.GetValue(node) is not { } n || d.NodeId == n).ToList();
            if (disks.Count == 0)
            {
                throw new AdminException(parse.GetValue(node) is { } n ? $"no disks on node '{n}'" : "placement knows no disks yet");
            }

            disks = parse.GetValue(sort) switch
            {
                "heat" => disks.OrderByDescending(d => HeatOf(d, heat)).ToList(),
                "fill" => disks.OrderByDescending(Fill).ToList(),
                _ => disks.OrderBy(d => d.NodeId, StringComparer.Ordinal).ThenBy(d => d.DiskId, StringComparer.Ordinal).ToList(),
            };

            var table = new Table().AddColumns("Disk", "Node", "Zone/rack", "State", "Used", "Capacity", "Fill", "Shards", "Heat ops/s", "Hot");
            foreach (var d in disks)
            {
                var hot = heat?.TryGetValue(d.DiskId, out var h) == true ? h.Hot : false;
                table.AddRow(Markup.Escape(d.DiskId), Markup.Escape(d.NodeId), Markup.Escape($"{d.Zone}/{d.Rack}"), Format.State(d.State),
                    Format.Bytes(d.UsedBytes), Format.Bytes(d.CapacityBytes), Format.FillBar(Fill(d)), d.ShardCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Format.Number(HeatOf(d, heat)), hot ? "[red]hot[/]" : "");
            }

            console.Write(table);
            console.MarkupLine(heat is null
                ? "[grey]Heat as placement last heard it (no --heat-monitor, or it did not answer).[/]"
                : "[grey]Heat live from the heat monitor (decayed operations per second).[/]");
            return CommandRunner.Ok;
        });
        return command;
    }

    private static double Fill(DiskInfo d) => d.CapacityBytes == 0 ? 0 : (double)d.UsedBytes / d.CapacityBytes;

    private static double HeatOf(DiskInfo d, Dictionary<string, DiskHeatState>? heat) =>
        heat?.TryGetValue(d.DiskId, out var h) == true ? h.Heat : d.Heat;

    private static async Task<Dictionary<string, DiskHeatState>?> TryHeatMapAsync(Uri? heatMonitor, CancellationToken ct)
    {
        if (heatMonitor is null)
        {
            return null;
        }

        try
        {
            using var channel = ClusterOptions.Channel(heatMonitor);
            var map = await new HeatApi.HeatMonitorClient(channel).GetHeatMapAsync(new GetHeatMapRequest(), deadline: DateTime.UtcNow.AddSeconds(3), cancellationToken: ct);
            return map.Disks.ToDictionary(d => d.DiskId, StringComparer.Ordinal);
        }
        catch (RpcException)
        {
            return null;
        }
    }
}
