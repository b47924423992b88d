using Cairn.Placement.V1;
using Cairn.S3.Protocol;
using Grpc.Core;

namespace Cairn.Frontend.Backends;

/// <summary>Placement over gRPC, with the disk map cached and refreshed only when a disk is not in it.</summary>
public sealed class GrpcShardPlacement(Placement.V1.Placement.PlacementClient client) : IShardPlacement
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Dictionary<string, DiskInfo> _disks = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<DiskInfo>> ChooseShardSetAsync(int count, long shardSizeHint, IReadOnlyCollection<string> excludeDiskIds, string bucket, CancellationToken ct)
    {
        var request = new ChooseShardSetRequest { Count = (uint)count, ShardSizeHint = (ulong)Math.Max(0, shardSizeHint), Bucket = bucket };
        request.ExcludeDiskIds.AddRange(excludeDiskIds);
        try
        {
            var response = await client.ChooseShardSetAsync(request, cancellationToken: ct);
            if (response.Disks.Count != count)
            {
                throw S3Errors.ServiceUnavailable();
            }
            return response.Disks;
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            // Not enough disks, or placement down: the client should retry later.
            throw S3Errors.ServiceUnavailable();
        }
    }

    public async Task<DiskInfo?> GetDiskAsync(string diskId, CancellationToken ct)
    {
        if (_disks.TryGetValue(diskId, out var disk))
        {
            return disk;
        }
        var seen = _disks;
        await _refresh.WaitAsync(ct);
        try
        {
            // Another request may have refreshed while this one waited.
            if (ReferenceEquals(seen, _disks))
            {
                var map = await client.GetDiskMapAsync(new GetDiskMapRequest(), cancellationToken: ct);
                _disks = map.Disks.ToDictionary(d => d.DiskId, StringComparer.Ordinal);
            }
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            throw S3Errors.ServiceUnavailable();
        }
        finally
        {
            _refresh.Release();
        }
        return _disks.GetValueOrDefault(diskId);
    }
}
