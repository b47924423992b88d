using Cairn.Placement.Choice;

namespace Cairn.Placement.Inventory;

/// <summary>
/// The disks placement knows: who serves them, how full they are, whether their node is alive, how hot they
/// run. In memory, guarded by one lock (mutations are rare and tiny next to the RPCs that cause them), and
/// mirrored to <see cref="InventoryOptions.FilePath"/> on structural changes.
/// </summary>
public sealed class DiskInventory
{
    private readonly Lock _lock = new();
    private readonly Lock _saveLock = new();
    private readonly Dictionary<string, NodeEntry> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DiskEntry> _disks = new(StringComparer.Ordinal);
    // Heat may arrive before a disk registers (heat-monitor and nodes start in any order), so keep it apart.
    private readonly Dictionary<string, DiskHeatReport> _heat = new(StringComparer.Ordinal);
    private readonly InventoryOptions _options;
    private readonly TimeProvider _time;
    private long _version;

    public DiskInventory(InventoryOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        if (options.FilePath is { } path && InventoryFile.Load(path) is { } doc)
        {
            // Last heartbeats are kept as saved: a node that died while placement was down stays OFFLINE
            // until it heartbeats again, rather than being handed writes on faith.
            foreach (var node in doc.Nodes)
            {
                _nodes[node.NodeId] = node;
            }

            foreach (var disk in doc.Disks)
            {
                _disks[disk.DiskId] = disk;
            }

            _version = 1;
        }
    }

    public TimeSpan HeartbeatInterval => _options.HeartbeatInterval;

    public void RegisterNode(NodeRegistration registration)
    {
        ArgumentException.ThrowIfNullOrEmpty(registration.NodeId);
        lock (_lock)
        {
            var now = NowMs();
            _nodes[registration.NodeId] = new NodeEntry(
                registration.NodeId, registration.Endpoint, registration.Zone, registration.Rack, now);
            var announced = new HashSet<string>(StringComparer.Ordinal);
            foreach (var d in registration.Disks)
            {
                announced.Add(d.DiskId);
                _disks.TryGetValue(d.DiskId, out var previous);
                _disks[d.DiskId] = new DiskEntry(
                    d.DiskId,
                    registration.NodeId,
                    Or(d.Endpoint, registration.Endpoint),
                    Or(d.Zone, registration.Zone),
                    Or(d.Rack, registration.Rack),
                    d.CapacityBytes,
                    d.UsedBytes,
                    d.ShardCount,
                    ReportedFailed: false,
                    ReportedFull: false,
                    // An operator's decision (draining, failed) survives the node's restart.
                    previous?.AdminState ?? AdminState.None);
            }

            // A disk the node no longer announces is gone with its shards: keep it in the map (repair needs to
            // know what it held) but never place on it again.
            foreach (var (id, disk) in _disks.Where(kv => kv.Value.NodeId == registration.NodeId).ToList())
            {
                if (!announced.Contains(id))
                {
                    _disks[id] = disk with { ReportedFailed = true };
                }
            }

            _version++;
        }

        Save();
    }

    /// <summary>False when the node (or one of its disks) is unknown: the node must register again.</summary>
    public bool Heartbeat(string nodeId, IReadOnlyList<DiskUsageReport> disks)
    {
        lock (_lock)
        {
            if (!_nodes.TryGetValue(nodeId, out var node))
            {
                return false;
            }

            if (disks.Any(d => !_disks.TryGetValue(d.DiskId, out var known) || known.NodeId != nodeId))
            {
                return false;
            }

            _nodes[nodeId] = node with { LastHeartbeatUnixMs = NowMs() };
            foreach (var d in disks)
            {
                _disks[d.DiskId] = _disks[d.DiskId] with
                {
                    CapacityBytes = d.CapacityBytes,
                    UsedBytes = d.UsedBytes,
                    ReportedFailed = d.Failed,
                    ReportedFull = d.Full,
                    ShardCount = d.ShardCount,
                };
            }

            _version++;
            return true;
        }
    }

    /// <summary>Sets the operator state of a disk; false when the disk is unknown.</summary>
    public bool SetAdminState(string diskId, AdminState state)
    {
        lock (_lock)
        {
            if (!_disks.TryGetValue(diskId, out var disk))
            {
                return false;
            }

            _disks[diskId] = disk with { AdminState = state };
            _version++;
        }

        Save();
        return true;
    }

    public void ReportHeat(IEnumerable<DiskHeatReport> reports)
    {
        lock (_lock)
        {
            foreach (var r in reports)
            {
                _heat[r.DiskId] = r;
            }

            _version++;
        }
    }

    public InventorySnapshot Snapshot()
    {
        lock (_lock)
        {
            var now = NowMs();
            var views = new List<DiskView>(_disks.Count);
            foreach (var disk in _disks.Values)
            {
                _nodes.TryGetValue(disk.NodeId, out var node);
                var heartbeat = node?.LastHeartbeatUnixMs ?? 0;
                _heat.TryGetValue(disk.DiskId, out var heat);
                views.Add(new DiskView(
                    disk.DiskId,
                    disk.NodeId,
                    disk.Endpoint,
                    disk.Zone,
                    disk.Rack,
                    disk.CapacityBytes,
                    disk.UsedBytes,
                    disk.ShardCount,
                    HealthOf(disk, now - heartbeat > (long)_options.HeartbeatTimeout.TotalMilliseconds),
                    heat?.Heat ?? 0,
                    heat?.Hot ?? false,
                    heartbeat));
            }

            views.Sort((a, b) => string.CompareOrdinal(a.DiskId, b.DiskId));
            return new InventorySnapshot(views, _version);
        }
    }

    private static DiskHealth HealthOf(DiskEntry disk, bool silent)
    {
        if (disk.ReportedFailed || disk.AdminState == AdminState.Failed)
        {
            return DiskHealth.Failed;
        }

        if (silent)
        {
            return DiskHealth.Offline;
        }

        if (disk.AdminState == AdminState.Draining)
        {
            return DiskHealth.Draining;
        }

        return disk.ReportedFull || disk.AdminState == AdminState.Full ? DiskHealth.Full : DiskHealth.Active;
    }

    private void Save()
    {
        if (_options.FilePath is not { } path)
        {
            return;
        }

        // One writer at a time, and the document is taken inside the save lock, so the last save always
        // carries the latest state even when two registrations race.
        lock (_saveLock)
        {
            InventoryDocument doc;
            lock (_lock)
            {
                doc = new InventoryDocument(
                    InventoryFile.Format, InventoryFile.CurrentVersion, _nodes.Values.ToList(), _disks.Values.ToList());
            }

            InventoryFile.Save(path, doc);
        }
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static string Or(string value, string fallback) => string.IsNullOrEmpty(value) ? fallback : value;
}
