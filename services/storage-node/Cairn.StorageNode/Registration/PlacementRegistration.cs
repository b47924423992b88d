using Cairn.Placement.V1;
using Cairn.StorageNode.Disks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PlacementClient = Cairn.Placement.V1.Placement.PlacementClient;
using StorageDiskState = Cairn.Storage.V1.DiskState;

namespace Cairn.StorageNode.Registration;

/// <summary>
/// Keeps placement aware of this node: register, heartbeat at the interval placement asks for, register
/// again when placement has forgotten the node, back off while it is down. Never ends the process.
/// </summary>
public sealed class PlacementRegistration(
    PlacementClient placement, DiskSet disks, StorageNodeOptions options, TimeProvider time, ILogger<PlacementRegistration> logger)
    : BackgroundService
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    public string Endpoint => options.AdvertisedGrpcUrl ?? "http://127.0.0.1";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = MinBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var registered = await placement.RegisterNodeAsync(BuildRegistration(), deadline: Deadline(), cancellationToken: stoppingToken);
                StorageNodeLog.Registered(logger, options.NodeId, disks.All.Count, Endpoint);
                backoff = MinBackoff;
                var interval = TimeSpan.FromMilliseconds(registered.HeartbeatIntervalMs > 0 ? registered.HeartbeatIntervalMs : 2000);
                while (true)
                {
                    await Task.Delay(interval, time, stoppingToken);
                    var beat = await placement.HeartbeatAsync(BuildHeartbeat(), deadline: Deadline(), cancellationToken: stoppingToken);
                    if (!beat.Known)
                    {
                        StorageNodeLog.UnknownToPlacement(logger, options.NodeId);
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Placement down, not yet started, or not discoverable: keep serving shards and try again.
                StorageNodeLog.PlacementUnreachable(logger, ex.Message, backoff.TotalMilliseconds);
                try
                {
                    await Task.Delay(backoff, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    public RegisterNodeRequest BuildRegistration()
    {
        var request = new RegisterNodeRequest { NodeId = options.NodeId, Endpoint = Endpoint, Zone = options.Zone, Rack = options.Rack };
        foreach (var disk in disks.All)
        {
            var usage = disk.Store.GetUsage();
            request.Disks.Add(new DiskInfo
            {
                DiskId = disk.Id,
                NodeId = options.NodeId,
                Endpoint = Endpoint,
                Zone = options.Zone,
                Rack = options.Rack,
                CapacityBytes = (ulong)Math.Max(0, usage.CapacityBytes),
                UsedBytes = (ulong)usage.UsedBytes,
                ShardCount = (ulong)usage.ShardCount,
                State = disk.State switch
                {
                    StorageDiskState.Failed => DiskState.Failed,
                    StorageDiskState.Full => DiskState.Full,
                    _ => DiskState.Active,
                },
            });
        }

        return request;
    }

    public HeartbeatRequest BuildHeartbeat()
    {
        var request = new HeartbeatRequest { NodeId = options.NodeId };
        foreach (var disk in disks.All)
        {
            var usage = disk.Store.GetUsage();
            request.Disks.Add(new DiskUsage
            {
                DiskId = disk.Id,
                CapacityBytes = (ulong)Math.Max(0, usage.CapacityBytes),
                UsedBytes = (ulong)usage.UsedBytes,
                ShardCount = (ulong)usage.ShardCount,
                Failed = disk.Store.Failed,
                Full = usage.Full,
            });
        }

        return request;
    }

    private DateTime Deadline() => time.GetUtcNow().UtcDateTime + CallTimeout;
}
