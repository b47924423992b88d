using System.Net;
using System.Net.Sockets;
using Spectre.Console.Testing;

namespace Cairn.Admin.Tests;

public sealed class AdminCliTests : IAsyncLifetime
{
    private FakeCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await FakeCluster.StartAsync();
        _cluster.Placement.Endpoint = _cluster.Address.ToString(); // storage nodes answer health on the same fake
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Status_EveryServiceServing_ListsThemWithNodesAndExitsZero()
    {
        var (code, output) = await RunAsync("status", "--placement", Url, "--heat-monitor", Url, "--background-ops", Url);

        Assert.Equal(0, code);
        foreach (var row in new[] { "placement", "heat-monitor", "background-ops", "storage-node n1", "storage-node n2" })
        {
            Assert.Contains(row, output, StringComparison.Ordinal);
        }

        Assert.Contains("Disks: 4 (4 active)", output, StringComparison.Ordinal);
        Assert.Contains("All services serving.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_OneServiceUnreachable_NamesItAndExitsOne()
    {
        var (code, output) = await RunAsync("status", "--placement", Url, "--frontend", $"http://127.0.0.1:{ClosedPort()}");

        Assert.Equal(1, code);
        Assert.Contains("unreachable", output, StringComparison.Ordinal);
        Assert.Contains("1 of 4 not serving.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disks_SortedByHeat_HottestFirstWithLiveHeatAndFill()
    {
        var (code, output) = await RunAsync("disks", "--placement", Url, "--heat-monitor", Url, "--sort", "heat");

        Assert.Equal(0, code);
        var hottest = output.IndexOf("n2-d1", StringComparison.Ordinal);
        Assert.True(hottest >= 0 && hottest < output.IndexOf("n1-d1", StringComparison.Ordinal), "the hot disk is listed first");
        Assert.Contains("180.5", output, StringComparison.Ordinal);
        Assert.Contains("hot", output, StringComparison.Ordinal);
        Assert.Contains("60%", output, StringComparison.Ordinal); // n1-d1: 60 GiB of 100 GiB
        Assert.Contains("Heat live from the heat monitor", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disks_UnknownNode_ClearErrorAndExitTwo()
    {
        var (code, output) = await RunAsync("disks", "--placement", Url, "--node", "n9");

        Assert.Equal(2, code);
        Assert.Contains("no disks on node 'n9'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disks_NoPlacementEndpoint_SaysWhichFlagIsMissing()
    {
        var (code, output) = await RunAsync("disks");

        Assert.Equal(2, code);
        Assert.Contains("--placement is required", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drain_Wait_MarksTheNodeDrainingAndFollowsItsShardsToZero()
    {
        var (code, output) = await RunAsync("drain", "n1", "--wait", "--interval", "00:00:00.01", "--placement", Url);

        Assert.Equal(0, code);
        var request = Assert.Single(_cluster.Placement.Drains);
        Assert.Equal("n1", request.NodeId);
        Assert.False(request.Undo);
        Assert.Contains("draining", output, StringComparison.Ordinal);
        Assert.Contains("Node n1 holds no shards", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drain_ShardsDoNotMove_StopsAtTheTimeoutWithExitThree()
    {
        _cluster.Placement.ShardsMovedPerLook = 0;

        var (code, output) = await RunAsync("drain", "n2", "--wait", "--timeout", "00:00:00.2", "--interval", "00:00:00.01", "--placement", Url);

        Assert.Equal(3, code);
        Assert.Contains("Drain not complete: 20 shard(s) still on n2", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drain_UnknownNode_ReportsNotFound()
    {
        var (code, output) = await RunAsync("drain", "nope", "--placement", Url);

        Assert.Equal(2, code);
        Assert.Contains("NotFound", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jobs_RunRepair_FollowsTheRunUntilItFinishes()
    {
        var run = RunAsync("repair", "--run", "repair", "--background-ops", Url);
        // The run is in progress until released: the command keeps asking for its progress meanwhile.
        await PollAsync(() => _cluster.Ops.StatusCalls >= 2, "the command to poll the running job");
        Assert.False(run.IsCompleted);
        _cluster.Ops.Release.SetResult(true);

        var (code, output) = await run;

        Assert.Equal(1, code); // the GC job's last run failed, and the exit code says so
        Assert.Contains("repair run 1 finished: idle, 9 item(s)", output, StringComparison.Ordinal);
        Assert.Contains("disk n2-d0 unreachable", output, StringComparison.Ordinal);
        Assert.Contains("GC retry queue 2, shards deleted 40", output, StringComparison.Ordinal);
        // Per-disk repair progress: the disk, why, and how far.
        var repairLine = output.Split('\n').Single(l => l.Contains("n3-d1", StringComparison.Ordinal));
        Assert.Contains("failed", repairLine, StringComparison.Ordinal);
        Assert.Contains("9,437,184", repairLine, StringComparison.Ordinal);
        Assert.Contains("yes", repairLine, StringComparison.Ordinal);
    }

    private string Url => _cluster.Address.ToString();

    private static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var console = new TestConsole();
        console.Profile.Width = 200;
        var code = await AdminCli.Create(console).Parse(args).InvokeAsync();
        return (code, console.Output);
    }

    private static async Task PollAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for: {what}");
            await Task.Delay(10);
        }
    }

    private static int ClosedPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port; // closed again when disposed: nothing listens there
    }
}
