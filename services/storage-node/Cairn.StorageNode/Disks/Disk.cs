using Cairn.Storage.V1;

namespace Cairn.StorageNode.Disks;

/// <summary>One disk of this node: its lasting id, its directory and its instrumented store.</summary>
public sealed class Disk(string id, string path, InstrumentedShardStore store)
{
    public string Id { get; } = id;

    public string Path { get; } = path;

    public InstrumentedShardStore Store { get; } = store;

    public DiskState State => Store.Failed ? DiskState.Failed : Store.GetUsage().Full ? DiskState.Full : DiskState.Active;
}
