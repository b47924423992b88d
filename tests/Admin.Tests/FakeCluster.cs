using System.Collections.Concurrent;
using System.Net;
using Cairn.BackgroundOps.V1;
using Cairn.Heat.V1;
using Cairn.Placement.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Cairn.Admin.Tests;

/// <summary>Placement, heat monitor, background ops and gRPC health, faked in one loopback server.</summary>
public sealed class FakeCluster : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeCluster(WebApplication app, FakePlacement placement, FakeHeat heat, FakeOps ops)
    {
        _app = app;
        Placement = placement;
        Heat = heat;
        Ops = ops;
        Address = new Uri(app.Urls.Single());
    }

    public Uri Address { get; }
    public FakePlacement Placement { get; }
    public FakeHeat Heat { get; }
    public FakeOps Ops { get; }

    public static async Task<FakeCluster> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddGrpcHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy()); // as every service registers
        builder.Services.AddSingleton<FakePlacement>();
        builder.Services.AddSingleton<FakeHeat>();
        builder.Services.AddSingleton<FakeOps>();
        var app = builder.Build();
        app.MapGrpcService<FakePlacement>();
        app.MapGrpcService<FakeHeat>();
        app.MapGrpcService<FakeOps>();
        app.MapGrpcHealthChecksService();
        await app.StartAsync();
        return new FakeCluster(app, app.Services.GetRequiredService<FakePlacement>(), app.Services.GetRequiredService<FakeHeat>(),
            app.Services.GetRequiredService<FakeOps>());
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>Two nodes of two disks; a drained node loses <see cref="ShardsMovedPerLook"/> shards per disk-map read.</summary>
public sealed class FakePlacement : Cairn.Placement.V1.Placement.PlacementBase
{
    private readonly Lock _lock = new();
    private readonly List<DiskInfo> _disks = [];

    public FakePlacement()
    {
        foreach (var (node, i) in new[] { ("n1", 0), ("n1", 1), ("n2", 0), ("n2", 1) })
        {
            _disks.Add(new DiskInfo
            {
                DiskId = $"{node}-d{i}", NodeId = node, Endpoint = "", Zone = "z1", Rack = $"r-{node}",
                CapacityBytes = 100UL << 30, UsedBytes = (ulong)(i + 1) * (30UL << 30), State = DiskState.Active, Heat = 1.5, ShardCount = 10,
            });
        }
    }

    public string? Endpoint { get; set; }
    public ulong ShardsMovedPerLook { get; set; } = 4;
    public ConcurrentQueue<DrainNodeRequest> Drains { get; } = new();

    public override Task<DiskMap> GetDiskMap(GetDiskMapRequest request, ServerCallContext context)
    {
        lock (_lock)
        {
            var map = new DiskMap { Version = 7 };
            foreach (var d in _disks)
            {
                if (d.State == DiskState.Draining)
                {
                    d.ShardCount -= Math.Min(d.ShardCount, ShardsMovedPerLook);
                }

                map.Disks.Add(d.Clone());
                map.Disks[^1].Endpoint = Endpoint ?? "";
            }

            return Task.FromResult(map);
        }
    }

    public override Task<DrainNodeResponse> DrainNode(DrainNodeRequest request, ServerCallContext context)
    {
        Drains.Enqueue(request);
        lock (_lock)
        {
            var disks = _disks.Where(d => d.NodeId == request.NodeId).ToList();
            if (disks.Count == 0)
            {
                throw new RpcException(new Status(StatusCode.NotFound, $"no disks on node '{request.NodeId}'"));
            }

            var response = new DrainNodeResponse();
            foreach (var d in disks)
            {
                d.State = request.Undo ? DiskState.Active : DiskState.Draining;
                response.Disks.Add(d.Clone());
            }

            return Task.FromResult(response);
        }
    }
}

/// <summary>n2-d1 is hot.</summary>
public sealed class FakeHeat : Cairn.Heat.V1.HeatMonitor.HeatMonitorBase
{
    public override Task<HeatMap> GetHeatMap(GetHeatMapRequest request, ServerCallContext context)
    {
        var map = new HeatMap();
        map.Disks.Add(new DiskHeatState { DiskId = "n1-d0", NodeId = "n1", Heat = 3 });
        map.Disks.Add(new DiskHeatState { DiskId = "n1-d1", NodeId = "n1", Heat = 5 });
        map.Disks.Add(new DiskHeatState { DiskId = "n2-d0", NodeId = "n2", Heat = 2 });
        map.Disks.Add(new DiskHeatState { DiskId = "n2-d1", NodeId = "n2", Heat = 180.5, Hot = true });
        return Task.FromResult(map);
    }
}

/// <summary>A repair run that reports progress while it runs and finishes when the test releases it.</summary>
public sealed class FakeOps : Cairn.BackgroundOps.V1.BackgroundOps.BackgroundOpsBase
{
    private readonly Lock _lock = new();
    private readonly JobStatus _repair = new() { Kind = JobKind.Repair, State = "idle" };
    private readonly JobStatus _gc = new() { Kind = JobKind.GcReconcile, State = "failed", Runs = 3, LastError = "disk n2-d0 unreachable", LastStartedUnixMs = 1_700_000_000_000 };

    public TaskCompletionSource<bool> Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _statusCalls;

    public int StatusCalls => Volatile.Read(ref _statusCalls);

    public override Task<OpsStatus> GetStatus(GetStatusRequest request, ServerCallContext context)
    {
        Interlocked.Increment(ref _statusCalls);
        lock (_lock)
        {
            var status = new OpsStatus { GcQueueLength = 2, ShardsDeleted = 40, EventsReceived = 12 };
            status.Jobs.Add(_gc.Clone());
            status.Jobs.Add(_repair.Clone());
            status.Repairs.Add(new RepairProgress { DiskId = "n3-d1", Reason = "failed", ShardsSeen = 12, ShardsRepaired = 9, ShardsFailed = 3, Bytes = 9_437_184, Finished = _repair.State == "idle" });
            return Task.FromResult(status);
        }
    }

    public override async Task<TriggerJobResponse> TriggerJob(TriggerJobRequest request, ServerCallContext context)
    {
        if (request.Kind != JobKind.Repair)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "only repair in this fake"));
        }

        lock (_lock)
        {
            _repair.State = "running";
            _repair.ItemsDone = 5;
        }

        await Release.Task.WaitAsync(context.CancellationToken);
        lock (_lock)
        {
            _repair.State = "idle";
            _repair.ItemsDone = 9;
            _repair.Runs++;
            return new TriggerJobResponse { Status = _repair.Clone() };
        }
    }
}
