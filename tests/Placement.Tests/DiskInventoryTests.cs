using Cairn.Placement.Choice;
using Cairn.Placement.Inventory;

namespace Cairn.Placement.Tests;

public sealed class DiskInventoryTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cairn-placement-" + Guid.NewGuid().ToString("N"));

    private static NodeRegistration Node(string id, params string[] disks) => new(
        id, $"http://127.0.0.1:9{id.Length}00", "z1", "r1",
        disks.Select(d => new DiskRegistration(d, "", "", "", 1UL << 40, 0, 0)).ToList());

    [Fact]
    public void DiskInventory_Heartbeat_UnknownNodeIsNotKnown()
    {
        var inventory = new DiskInventory(new InventoryOptions(), new ManualTimeProvider());
        Assert.False(inventory.Heartbeat("n1", []));
        inventory.RegisterNode(Node("n1", "d1"));
        Assert.True(inventory.Heartbeat("n1", [new DiskUsageReport("d1", 1UL << 40, 5, false, false, 1)]));
        Assert.False(inventory.Heartbeat("n1", [new DiskUsageReport("d-unknown", 1, 0, false, false, 0)]));
    }

    [Fact]
    public void DiskInventory_Snapshot_SilentNodeGoesOfflineAfterTimeout()
    {
        var time = new ManualTimeProvider();
        var inventory = new DiskInventory(new InventoryOptions { HeartbeatTimeout = TimeSpan.FromSeconds(10) }, time);
        inventory.RegisterNode(Node("n1", "d1", "d2"));
        inventory.RegisterNode(Node("n2", "d3"));

        time.Advance(TimeSpan.FromSeconds(8));
        Assert.True(inventory.Heartbeat("n2", []));
        time.Advance(TimeSpan.FromSeconds(3));

        var health = inventory.Snapshot().Disks.ToDictionary(d => d.DiskId, d => d.Health);
        Assert.Equal(DiskHealth.Offline, health["d1"]);
        Assert.Equal(DiskHealth.Offline, health["d2"]);
        Assert.Equal(DiskHealth.Active, health["d3"]);

        Assert.True(inventory.Heartbeat("n1", []));
        Assert.Equal(DiskHealth.Active, inventory.Snapshot().Disks.Single(d => d.DiskId == "d1").Health);
    }

    [Fact]
    public void DiskInventory_Snapshot_ReportedAndOperatorStatesWin()
    {
        var inventory = new DiskInventory(new InventoryOptions(), new ManualTimeProvider());
        inventory.RegisterNode(Node("n1", "d1", "d2", "d3", "d4"));
        inventory.Heartbeat("n1",
        [
            new DiskUsageReport("d1", 100, 10, Failed: true, Full: false, 0),
            new DiskUsageReport("d2", 100, 100, Failed: false, Full: true, 0),
            new DiskUsageReport("d3", 100, 10, false, false, 0),
            new DiskUsageReport("d4", 100, 10, false, false, 0),
        ]);
        Assert.True(inventory.SetAdminState("d3", AdminState.Draining));
        Assert.False(inventory.SetAdminState("nope", AdminState.Failed));

        var health = inventory.Snapshot().Disks.ToDictionary(d => d.DiskId, d => d.Health);
        Assert.Equal(DiskHealth.Failed, health["d1"]);
        Assert.Equal(DiskHealth.Full, health["d2"]);
        Assert.Equal(DiskHealth.Draining, health["d3"]);
        Assert.Equal(DiskHealth.Active, health["d4"]);
    }

    [Fact]
    public void DiskInventory_RegisterNode_DiskNoLongerAnnouncedIsFailed()
    {
        var inventory = new DiskInventory(new InventoryOptions(), new ManualTimeProvider());
        inventory.RegisterNode(Node("n1", "d1", "d2"));
        inventory.RegisterNode(Node("n1", "d1"));
        var health = inventory.Snapshot().Disks.ToDictionary(d => d.DiskId, d => d.Health);
        Assert.Equal(DiskHealth.Active, health["d1"]);
        Assert.Equal(DiskHealth.Failed, health["d2"]);
    }

    [Fact]
    public void DiskInventory_ReportHeat_ShowsInSnapshotEvenIfReportedBeforeRegistration()
    {
        var inventory = new DiskInventory(new InventoryOptions(), new ManualTimeProvider());
        inventory.ReportHeat([new DiskHeatReport("d1", 150, true)]);
        inventory.RegisterNode(Node("n1", "d1"));
        var d1 = inventory.Snapshot().Disks.Single();
        Assert.Equal(150, d1.Heat);
        Assert.True(d1.Hot);
    }

    [Fact]
    public void DiskInventory_Restart_KnowsDisksFromFile()
    {
        var time = new ManualTimeProvider();
        var options = new InventoryOptions { FilePath = Path.Combine(_dir, "placement.json") };
        var first = new DiskInventory(options, time);
        first.RegisterNode(Node("n1", "d1", "d2"));
        first.SetAdminState("d2", AdminState.Draining);

        var second = new DiskInventory(options, time);
        var disks = second.Snapshot().Disks;
        Assert.Equal(["d1", "d2"], disks.Select(d => d.DiskId));
        Assert.Equal("http://127.0.0.1:9200", disks[0].Endpoint);
        Assert.Equal(DiskHealth.Draining, disks[1].Health);
        Assert.True(second.Heartbeat("n1", []));
    }

    [Fact]
    public void DiskInventory_Restart_RefusesNewerFileVersion()
    {
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, "placement.json");
        File.WriteAllText(path, """{"format":"cairn-placement-inventory","version":2,"nodes":[],"disks":[]}""");
        Assert.Throws<InvalidDataException>(() => new DiskInventory(new InventoryOptions { FilePath = path }, TimeProvider.System));
    }

    [Fact]
    public void DiskInventory_Restart_ReadsVersion1GoldenFile()
    {
        // Pins the v1 format: a later build must still read a file written by this one.
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, "placement.json");
        File.WriteAllText(path, """
            {
              "format": "cairn-placement-inventory",
              "version": 1,
              "nodes": [
                { "nodeId": "n1", "endpoint": "http://127.0.0.1:9100", "zone": "z1", "rack": "r1", "lastHeartbeatUnixMs": 1795435200000 }
              ],
              "disks": [
                { "diskId": "d1", "nodeId": "n1", "endpoint": "http://127.0.0.1:9100", "zone": "z1", "rack": "r1",
                  "capacityBytes": 1000, "usedBytes": 250, "shardCount": 7, "reportedFailed": false, "reportedFull": false,
                  "adminState": "Draining" }
              ]
            }
            """);
        var time = new ManualTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1795435200000 + 1000));
        var disk = new DiskInventory(new InventoryOptions { FilePath = path }, time).Snapshot().Disks.Single();
        Assert.Equal(
            new DiskView("d1", "n1", "http://127.0.0.1:9100", "z1", "r1", 1000, 250, 7, DiskHealth.Draining, 0, false, 1795435200000),
            disk);
    }

    [Fact]
    public void InventoryOptions_HeartbeatInterval_ConfiguredOrAThirdOfTimeout()
    {
        Assert.Equal(TimeSpan.FromSeconds(4), new InventoryOptions { HeartbeatTimeout = TimeSpan.FromSeconds(12) }.HeartbeatInterval);
        Assert.Equal(
            TimeSpan.FromMilliseconds(500),
            new InventoryOptions { ConfiguredHeartbeatInterval = TimeSpan.FromMilliseconds(500) }.HeartbeatInterval);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
