using Cairn.Placement.Choice;

namespace Cairn.HeatSim;

/// <summary>A fleet of identical disks, <see cref="DisksPerNode"/> per node; a node is the failure domain.</summary>
internal sealed record Cluster(int Nodes, int DisksPerNode, double DiskIops)
{
    public int Disks => Nodes * DisksPerNode;

    public int NodeOf(int disk) => disk / DisksPerNode;

    public PlacementCandidate Candidate(int disk, double heat) => new(
        DiskId: disk.ToString(System.Globalization.CultureInfo.InvariantCulture),
        NodeId: "node-" + NodeOf(disk).ToString(System.Globalization.CultureInfo.InvariantCulture),
        Zone: "",
        Rack: "",
        CapacityBytes: 1UL << 40,
        UsedBytes: 0,
        Health: DiskHealth.Active,
        Heat: heat);
}
