using System.Threading.Channels;
using Cairn.Frontend.Backends;
using Cairn.Heat.V1;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Frontend.Tests;

public class HeatMapWatcherTests
{
    [Fact]
    public async Task HeatMapWatcher_FollowsTheWatchStream_AndKeepsTheLastMapWhenItBreaks()
    {
        var invoker = new FakeHeatInvoker();
        var time = new FakeTimeProvider();
        using var watcher = new HeatMapWatcher(new HeatMonitor.HeatMonitorClient(invoker), time, NullLogger<HeatMapWatcher>.Instance);
        await watcher.StartAsync(CancellationToken.None);

        await invoker.Maps.Writer.WriteAsync(Map(("d1", 5), ("d2", 50)));
        await Eventually(() => watcher.HeatOf("d2") == 50);
        await invoker.Maps.Writer.WriteAsync(Map(("d1", 7)));
        await Eventually(() => watcher.HeatOf("d1") == 7);
        Assert.Equal(0, watcher.HeatOf("d2"));

        // The heat monitor goes away: steering keeps the last map, and the watch is retried after a backoff.
        invoker.Maps.Writer.Complete(new RpcException(new Status(StatusCode.Unavailable, "down")));
        await Eventually(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            return invoker.Calls >= 2;
        });
        Assert.Equal(7, watcher.HeatOf("d1"));
        Assert.False(watcher.ExecuteTask!.IsCompleted);
        await watcher.StopAsync(CancellationToken.None);
    }

    private static HeatMap Map(params (string Disk, double Heat)[] disks)
    {
        var map = new HeatMap();
        map.Disks.AddRange(disks.Select(d => new DiskHeatState { DiskId = d.Disk, Heat = d.Heat }));
        return map;
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached");
            await Task.Delay(10);
        }
    }

    /// <summary>WatchHeatMap answered from a channel the test writes maps into.</summary>
    private sealed class FakeHeatInvoker : CallInvoker
    {
        public Channel<HeatMap> Maps { get; } = Channel.CreateUnbounded<HeatMap>();

        public int Calls;

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
        {
            Interlocked.Increment(ref Calls);
            var reader = new Reader<TResponse>(Maps.Reader, options.CancellationToken);
            return new AsyncServerStreamingCall<TResponse>(reader, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw new NotSupportedException();
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw new NotSupportedException();
        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();
        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();

        private sealed class Reader<T>(ChannelReader<HeatMap> maps, CancellationToken callToken) : IAsyncStreamReader<T>
        {
            public T Current { get; private set; } = default!;

            public async Task<bool> MoveNext(CancellationToken cancellationToken)
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, callToken);
                if (!await maps.WaitToReadAsync(linked.Token))
                {
                    return false;
                }
                Current = (T)(object)await maps.ReadAsync(linked.Token);
                return true;
            }
        }
    }
}
