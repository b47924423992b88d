using System.Collections.Concurrent;
using Cairn.ServiceDefaults.Events;
using Cairn.Storage.V1;
using Cairn.StorageNode.Disks;

namespace Cairn.StorageNode.Registration;

/// <summary>
/// Tells background-ops (topic <see cref="Topic"/>) about every shard a read or a scrub found corrupt on this node's
/// disks, so the copy is rebuilt without waiting for the next scrub pass. A shard is announced at most once per
/// <see cref="Quiet"/>: a corrupt block read a thousand times is one repair, not a thousand events.
/// </summary>
public sealed class CorruptShardPublisher : IHostedService
{
    public const string Topic = "shard-corrupt";
    public static readonly TimeSpan Quiet = TimeSpan.FromMinutes(10);

    private readonly DiskSet _disks;
    private readonly IEventPublisher _publisher;
    private readonly StorageNodeOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(string Disk, string Shard), DateTimeOffset> _announced = new();

    public CorruptShardPublisher(DiskSet disks, IEventPublisher publisher, StorageNodeOptions options, TimeProvider time)
    {
        _disks = disks;
        _publisher = publisher;
        _options = options;
        _time = time;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var disk in _disks.All)
        {
            disk.Store.CorruptShardFound += Announce;
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var disk in _disks.All)
        {
            disk.Store.CorruptShardFound -= Announce;
        }

        return Task.CompletedTask;
    }

    private void Announce(string diskId, string shardId, string reason)
    {
        var now = _time.GetUtcNow();
        var key = (diskId, shardId);
        if (_announced.TryGetValue(key, out var last) && now - last < Quiet)
        {
            return;
        }

        _announced[key] = now;
        // The transport queues and delivers in the background: the read that found the damage is not held up.
        _ = _publisher.PublishAsync(Topic, new ShardCorruptEvent
        {
            NodeId = _options.NodeId,
            DiskId = diskId,
            ShardId = shardId,
            Reason = reason,
            DetectedUnixMs = now.ToUnixTimeMilliseconds(),
        });
    }
}
