using Cairn.StorageNode.Shards;
using Cairn.StorageNode.Shards.Engine;
using Microsoft.Extensions.Logging;

namespace Cairn.StorageNode.Disks;

/// <summary>The disks of this node, opened once at start, looked up by disk id.</summary>
public sealed class DiskSet : IDisposable
{
    private readonly Dictionary<string, Disk> _byId;

    public DiskSet(IReadOnlyList<Disk> disks)
    {
        All = disks;
        _byId = disks.ToDictionary(d => d.Id, StringComparer.Ordinal);
        if (_byId.Count != disks.Count)
        {
            throw new InvalidOperationException("two disk directories carry the same disk id");
        }
    }

    public IReadOnlyList<Disk> All { get; }

    /// <summary>Opens every configured disk: identity file first, then its shard store.</summary>
    public static DiskSet Open(StorageNodeOptions options, TimeProvider time, ILoggerFactory loggers, StorageNodeMetrics? metrics)
    {
        var disks = new List<Disk>();
        for (int i = 0; i < options.DiskPaths.Count; i++)
        {
            string path = System.IO.Path.GetFullPath(options.DiskPaths[i]);
            string id = DiskIdentity.LoadOrCreate(path, $"{options.NodeId}-d{i}");
            disks.Add(new Disk(id, path, OpenStore(path, id, options, time, loggers, metrics)));
        }

        return new DiskSet(disks);
    }

    /// <summary>
    /// The disk's engine, or, when its index or files cannot be opened, a store that refuses everything and
    /// reports the disk failed: one bad disk takes itself out of placement, not the whole node.
    /// </summary>
    private static InstrumentedShardStore OpenStore(string path, string id, StorageNodeOptions options, TimeProvider time, ILoggerFactory loggers, StorageNodeMetrics? metrics)
    {
        var logger = loggers.CreateLogger<ShardEngine>();
        try
        {
            var engine = ShardEngine.Open(path, new EngineOptions { CapacityBytes = options.DiskCapacityBytes }, time, logger);
            LegacyShardImport.Run(engine, path, logger);
            return new InstrumentedShardStore(engine, id, metrics);
        }
        catch (Exception ex) when (ex is ExtentFormatException or IOException or UnauthorizedAccessException or DiskIoException)
        {
            StorageNodeLog.DiskFailedToOpen(logger, id, path, ex.Message);
            var failed = new InstrumentedShardStore(new UnopenedShardStore(id), id, metrics);
            failed.MarkFailed();
            return failed;
        }
    }

    /// <summary>Lets each engine finish its queued commits and close its files.</summary>
    public void Dispose()
    {
        foreach (var disk in All)
        {
            disk.Store.Dispose();
        }
    }

    /// <summary>The disk, or <see cref="UnknownDiskException"/> when this node has no such disk.</summary>
    public Disk Get(string diskId) =>
        _byId.TryGetValue(diskId ?? string.Empty, out var disk) ? disk : throw new UnknownDiskException(diskId ?? string.Empty);
}

/// <summary>The request named a disk this node does not have (NotFound).</summary>
public sealed class UnknownDiskException(string diskId) : Exception($"disk '{diskId}' is not on this node");
