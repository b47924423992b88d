using System.CommandLine;
using System.Diagnostics;
using Cairn.Placement.V1;
using Grpc.Core;
using Grpc.Health.V1;
using Spectre.Console;
using PlacementApi = Cairn.Placement.V1.Placement;

namespace Cairn.Admin.Commands;

/// <summary><c>status</c>: every service's gRPC health (storage nodes found through placement) and the disks by state.</summary>
internal static class StatusCommand
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(3);

    public static Command Create(ClusterOptions cluster, IAnsiConsole console)
    {
        var command = new Command("status", "Health of every service and storage node, and the disks by state; exit code 1 if any is not serving");
        command.SetRun(console, async (parse, ct) =>
        {
            var targets = cluster.ControlPlane(parse).ToList();
            if (targets.Count == 0)
            {
                throw new AdminException("no endpoints: pass --placement (and the other services) or set CAIRN_PLACEMENT_GRPC");
            }

            DiskMap? map = null;
            if (parse.GetValue(cluster.Placement) is { } placement)
            {
                map = await TryDiskMapAsync(placement, ct);
                targets.AddRange((map?.Disks ?? []).GroupBy(d => d.NodeId).OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => ($"storage-node {g.Key}", new Uri(g.First().Endpoint))));
            }

            var checks = await Task.WhenAll(targets.Select(t => CheckAsync(t.Name, t.Address, ct)));
            var table = new Table().AddColumns("Service", "Address", "Health", "Latency");
            foreach (var c in checks)
            {
                table.AddRow(Markup.Escape(c.Name), Markup.Escape(c.Address.ToString()), c.Serving ? "[green]serving[/]" : $"[red]{Markup.Escape(c.Status)}[/]",
                    c.Serving ? $"{c.Latency.TotalMilliseconds:F0} ms" : "-");
            }

            console.Write(table);
            if (map is not null)
            {
                var states = map.Disks.GroupBy(d => d.State).OrderBy(g => g.Key).Select(g => $"{g.Count()} {Format.State(g.Key)}");
                console.MarkupLine($"Disks: {map.Disks.Count} ({string.Join(", ", states)}), disk map version {map.Version}");
            }

            var down = checks.Count(c => !c.Serving);
            console.MarkupLine(down == 0 ? "[green]All services serving.[/]" : $"[red]{down} of {checks.Length} not serving.[/]");
            return down == 0 ? CommandRunner.Ok : CommandRunner.Unhealthy;
        });
        return command;
    }

    private static async Task<DiskMap?> TryDiskMapAsync(Uri placement, CancellationToken ct)
    {
        try
        {
            using var channel = ClusterOptions.Channel(placement);
            return await new PlacementApi.PlacementClient(channel).GetDiskMapAsync(new GetDiskMapRequest(), deadline: DateTime.UtcNow + Deadline, cancellationToken: ct);
        }
        catch (RpcException)
        {
            return null; // placement's own row says why
        }
    }

    private static async Task<HealthRow> CheckAsync(string name, Uri address, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            using var channel = ClusterOptions.Channel(address);
            var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + Deadline, cancellationToken: ct);
            var serving = reply.Status == HealthCheckResponse.Types.ServingStatus.Serving;
            return new HealthRow(name, address, serving, reply.Status.ToString().ToLowerInvariant(), clock.Elapsed);
        }
        catch (RpcException e)
        {
            return new HealthRow(name, address, false, e.StatusCode == StatusCode.DeadlineExceeded ? "no answer" : "unreachable", clock.Elapsed);
        }
    }

    private sealed record HealthRow(string Name, Uri Address, bool Serving, string Status, TimeSpan Latency);
}
