using Cairn.BackgroundOps.Gateways;
using Cairn.Placement.V1;
using Grpc.Core;
using PlacementApi = Cairn.Placement.V1.Placement;

namespace Cairn.BackgroundOps.Tests;

public class PlacementDiskDirectoryTests
{
    private sealed class FakePlacement : PlacementApi.PlacementClient
    {
        public DiskMap Map { get; } = new();

        public int Calls { get; private set; }

        public override AsyncUnaryCall<DiskMap> GetDiskMapAsync(GetDiskMapRequest request, CallOptions options)
        {
            Calls++;
            return new AsyncUnaryCall<DiskMap>(
                Task.FromResult(Map.Clone()), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }
    }

    [Fact]
    public async Task PlacementDiskDirectory_Find_CachesAndRefreshesOnMiss()
    {
        var placement = new FakePlacement();
        placement.Map.Disks.Add(new DiskInfo { DiskId = "d1", NodeId = "n1", Endpoint = "http://n1", State = DiskState.Active });
        placement.Map.Disks.Add(new DiskInfo { DiskId = "d2", NodeId = "n2", Endpoint = "http://n2", State = DiskState.Offline });
        var time = new ManualTimeProvider();
        var directory = new PlacementDiskDirectory(placement, time);

        var d1 = await directory.FindAsync("d1", CancellationToken.None);
        Assert.Equal(new DiskTarget("d1", "n1", "http://n1", Reachable: true), d1);
        Assert.False((await directory.FindAsync("d2", CancellationToken.None))!.Reachable);
        Assert.Equal(1, placement.Calls);

        // A new disk appears: the miss refreshes (once the refresh interval has passed).
        placement.Map.Disks.Add(new DiskInfo { DiskId = "d3", NodeId = "n3", Endpoint = "http://n3", State = DiskState.Active });
        Assert.Null(await directory.FindAsync("d3", CancellationToken.None));
        Assert.Equal(1, placement.Calls);
        time.Advance(PlacementDiskDirectory.MinRefreshInterval);
        Assert.Equal("http://n3", (await directory.FindAsync("d3", CancellationToken.None))!.Endpoint);
        Assert.Equal(2, placement.Calls);
    }
}
