using Cairn.Heat.V1;
using Cairn.Placement.V1;
using Cairn.StorageNode;
using Cairn.StorageNode.Disks;
using Cairn.StorageNode.Registration;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace StorageNode.Tests;

public sealed class RegistrationTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly StorageNodeOptions _options;
    private readonly DiskSet _disks;

    public RegistrationTests()
    {
        _options = new StorageNodeOptions
        {
            NodeId = "n1",
            DiskPaths = [Path.Combine(_dir.Path, "a"), Path.Combine(_dir.Path, "b")],
            AdvertisedGrpcUrl = "http://127.0.0.1:7100",
            Zone = "z1",
            Rack = "r1",
            DiskCapacityBytes = 1 << 20,
        };
        _disks = DiskSet.Open(_options, TimeProvider.System, NullLoggerFactory.Instance, metrics: null);
    }

    public void Dispose()
    {
        _disks.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task PlacementRegistration_Execute_RetriesWhenDownAndRegistersAgainWhenForgotten()
    {
        var placement = new FakePlacement();
        var time = new FakeTimeProvider();
        using var registration = new PlacementRegistration(placement, _disks, _options, time, NullLogger<PlacementRegistration>.Instance);

        await registration.StartAsync(CancellationToken.None);
        try
        {
            // Down at first: one failed attempt, then it waits out its backoff.
            await Eventually(() => placement.Registrations >= 1, time);
            await Eventually(() => placement.Registrations >= 2, time); // succeeds
            await Eventually(() => placement.Heartbeats >= 1, time);    // placement answers known=false
            await Eventually(() => placement.Registrations >= 3, time); // so the node registers again
            await Eventually(() => placement.Heartbeats >= 2, time);
        }
        finally
        {
            await registration.StopAsync(CancellationToken.None);
        }

        var sent = placement.LastRegistration!;
        Assert.Equal("http://127.0.0.1:7100", sent.Endpoint);
        Assert.Equal(["n1-d0", "n1-d1"], sent.Disks.Select(d => d.DiskId));
        Assert.All(sent.Disks, d => Assert.Equal((ulong)(1 << 20), d.CapacityBytes));
        Assert.All(sent.Disks, d => Assert.Equal(Cairn.Placement.V1.DiskState.Active, d.State));
    }

    [Fact]
    public async Task HeatReporter_BuildReport_SendsPerWindowDeltas()
    {
        var reporter = new HeatReporter(new HeatMonitor.HeatMonitorClient(new NoCallInvoker()), _disks, _options, TimeProvider.System, NullLogger<HeatReporter>.Instance);
        var disk = _disks.All[0].Store;
        await ShardData.PutAsync(disk, "s", ShardData.Bytes(100, 1), 50);
        await ShardData.GetAsync(disk, "s");

        var first = reporter.BuildReport(TimeSpan.FromSeconds(2));
        await ShardData.GetAsync(disk, "s");
        var second = reporter.BuildReport(TimeSpan.FromSeconds(2));

        Assert.Equal(1ul, first.Samples[0].Writes);
        Assert.Equal(1ul, first.Samples[0].Reads);
        Assert.Equal(100ul, first.Samples[0].BytesWritten);
        Assert.Equal(0ul, second.Samples[0].Writes);
        Assert.Equal(1ul, second.Samples[0].Reads);
        Assert.Equal(0ul, second.Samples[1].Reads);
        Assert.Equal(2000u, second.Samples[0].WindowMs);
    }

    [Fact]
    public async Task StorageNodeDashboard_GetDashboard_OneRowAndCellPerDisk()
    {
        var dashboard = new StorageNodeDashboard(_disks, _options, TimeProvider.System);

        var model = await dashboard.GetDashboardAsync(CancellationToken.None);

        Assert.Equal(2, model.Tables[0].Rows.Count);
        Assert.Equal(["n1-d0", "n1-d1"], model.Grid!.Cells.Select(c => c.Label));
        Assert.All(model.Grid.Cells, c => Assert.InRange(c.Value, 0, 1));
    }

    /// <summary>Advances fake time in small steps until the condition holds (or 2 minutes of fake time pass).</summary>
    private static async Task Eventually(Func<bool> condition, FakeTimeProvider time)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met");
            time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(1);
        }
    }

    /// <summary>Placement that is down for the first call, then forgets the node once.</summary>
    private sealed class FakePlacement : Placement.PlacementClient
    {
        private int _registrations;
        private int _heartbeats;

        public int Registrations => Volatile.Read(ref _registrations);

        public int Heartbeats => Volatile.Read(ref _heartbeats);

        public RegisterNodeRequest? LastRegistration { get; private set; }

        public override AsyncUnaryCall<RegisterNodeResponse> RegisterNodeAsync(RegisterNodeRequest request, Metadata? headers = null, DateTime? deadline = null, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _registrations) == 1)
            {
                return Call(Task.FromException<RegisterNodeResponse>(new RpcException(new Status(StatusCode.Unavailable, "down"))));
            }

            LastRegistration = request;
            return Call(Task.FromResult(new RegisterNodeResponse { HeartbeatIntervalMs = 100 }));
        }

        public override AsyncUnaryCall<HeartbeatResponse> HeartbeatAsync(HeartbeatRequest request, Metadata? headers = null, DateTime? deadline = null, CancellationToken cancellationToken = default) =>
            Call(Task.FromResult(new HeartbeatResponse { Known = Interlocked.Increment(ref _heartbeats) != 1 }));

        private static AsyncUnaryCall<T> Call<T>(Task<T> response) =>
            new(response, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    private sealed class NoCallInvoker : CallInvoker
    {
        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw new NotSupportedException();

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw new NotSupportedException();

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw new NotSupportedException();

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();
    }
}
