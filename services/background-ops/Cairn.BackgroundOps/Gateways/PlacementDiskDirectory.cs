using Cairn.Placement.V1;
using PlacementApi = Cairn.Placement.V1.Placement;

namespace Cairn.BackgroundOps.Gateways;

/// <summary>
/// Placement's disk map, cached: GC resolves a disk per shard, and the map rarely changes. A miss refreshes,
/// at most once per <see cref="MinRefreshInterval"/>, so a burst of shards on an unknown disk is one call.
/// </summary>
public sealed class PlacementDiskDirectory(PlacementApi.PlacementClient placement, TimeProvider time) : IDiskDirectory
{
    public static readonly TimeSpan MinRefreshInterval = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Dictionary<string, DiskTarget> _cache = new(StringComparer.Ordinal);
    private DateTimeOffset _refreshedAt = DateTimeOffset.MinValue;

    public async Task<IReadOnlyList<DiskTarget>> ListAsync(CancellationToken ct)
    {
        await _refresh.WaitAsync(ct);
        try
        {
            return (await RefreshLockedAsync(ct)).Values.ToList();
        }
        finally
        {
            _refresh.Release();
        }
    }

    public async Task<DiskTarget?> FindAsync(string diskId, CancellationToken ct)
    {
        if (_cache.TryGetValue(diskId, out var hit))
        {
            return hit;
        }

        await _refresh.WaitAsync(ct);
        try
        {
            var map = time.GetUtcNow() - _refreshedAt < MinRefreshInterval ? _cache : await RefreshLockedAsync(ct);
            return map.GetValueOrDefault(diskId);
        }
        finally
        {
            _refresh.Release();
        }
    }

    private async Task<Dictionary<string, DiskTarget>> RefreshLockedAsync(CancellationToken ct)
    {
        var map = await placement.GetDiskMapAsync(new GetDiskMapRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: ct);
        _cache = map.Disks.ToDictionary(
            d => d.DiskId,
            d => new DiskTarget(
                d.DiskId, d.NodeId, d.Endpoint,
                Reachable: d.State is not (DiskState.Offline or DiskState.Failed),
                Failed: d.State == DiskState.Failed,
                Draining: d.State == DiskState.Draining),
            StringComparer.Ordinal);
        _refreshedAt = time.GetUtcNow();
        return _cache;
    }
}
