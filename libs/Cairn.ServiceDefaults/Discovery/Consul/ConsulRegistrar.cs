using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cairn.ServiceDefaults.Discovery.Consul;

/// <summary>
/// Registers this instance with the local Consul agent once it is listening (and again periodically, which is
/// idempotent and survives an agent restart), and deregisters it as soon as the host starts stopping, before the
/// server closes, so that peers stop routing to it first.
/// </summary>
internal sealed partial class ConsulRegistrar(
    ConsulClient client,
    IOptions<ConsulOptions> options,
    IConfiguration config,
    ServiceIdentity identity,
    ConsulMetrics metrics,
    IServiceProvider services,
    ILogger<ConsulRegistrar> log,
    TimeProvider? time = null) : IHostedLifecycleService
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    /// <summary>What this instance registers; null when it has no HTTP port to advertise (e.g. a test server).</summary>
    public ConsulServiceRegistration? Registration { get; private set; }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>After every hosted service, the web server included, has started: we are listening.</summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        Registration = BuildRegistration(options.Value, config, identity, services);
        if (Registration is null)
        {
            LogNotRegistering(identity.ServiceName);
            return Task.CompletedTask;
        }

        _loop = Task.Run(() => KeepRegisteredAsync(Registration, _stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (Registration is not { } registration)
        {
            return;
        }

        try
        {
            await client.DeregisterAsync(registration.Id, cancellationToken);
            LogDeregistered(registration.Id);
        }
        catch (Exception e)
        {
            // The agent's DeregisterCriticalServiceAfter removes us anyway once our check fails.
            LogDeregisterFailed(registration.Id, e.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        _stop.Dispose();
        return Task.CompletedTask;
    }

    internal static ConsulServiceRegistration? BuildRegistration(ConsulOptions options, IConfiguration config, ServiceIdentity identity, IServiceProvider services)
    {
        if (config.GetValue<int?>("Cairn:HttpPort") is not { } httpPort || httpPort <= 0)
        {
            return null;
        }

        var address = AdvertisedAddress(config);
        var grpcPort = config.GetValue<int?>("Cairn:GrpcPort");
        var publicPort = config.GetValue<int?>("Cairn:PublicPort");
        var meta = new Dictionary<string, string>(StringComparer.Ordinal) { ["node-id"] = identity.InstanceId };
        var tags = new List<string> { "cairn" };
        if (grpcPort is { } gp)
        {
            meta[ConsulServiceInstance.PortMetaKey("grpc")] = gp.ToString(CultureInfo.InvariantCulture);
            tags.Add($"grpc-port={gp.ToString(CultureInfo.InvariantCulture)}");
        }

        if (publicPort is { } pp)
        {
            meta[ConsulServiceInstance.PortMetaKey("public")] = pp.ToString(CultureInfo.InvariantCulture);
        }

        foreach (var provider in options.MetadataProviders)
        {
            provider(services, meta);
        }

        tags.AddRange(options.Tags);

        // Without a node id every instance of a service would share one ID and overwrite each other.
        var instance = identity.InstanceId != identity.ServiceName
            ? identity.InstanceId
            : $"{address}-{httpPort.ToString(CultureInfo.InvariantCulture)}";
        var health = new UriBuilder(Uri.UriSchemeHttp, address, httpPort, "/health").Uri;
        return new ConsulServiceRegistration(
            $"{identity.ServiceName}-{instance}",
            identity.ServiceName,
            address,
            httpPort,
            tags,
            meta,
            new ConsulHttpCheck(health.ToString(), GoDuration(options.CheckInterval), GoDuration(options.CheckTimeout),
                GoDuration(options.DeregisterCriticalServiceAfter)));
    }

    /// <summary>
    /// <c>Cairn:AdvertisedAddress</c>, else the bind address, else loopback. A wildcard bind (containers) cannot be
    /// dialled, so the host name stands in for it; compose files should set the advertised address explicitly.
    /// </summary>
    internal static string AdvertisedAddress(IConfiguration config)
    {
        if (config["Cairn:AdvertisedAddress"] is { Length: > 0 } advertised)
        {
            return advertised;
        }

        var bind = config["Cairn:BindAddress"];
        if (string.IsNullOrEmpty(bind))
        {
            return "127.0.0.1";
        }

        return IPAddress.TryParse(bind, out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)) ? Dns.GetHostName() : bind;
    }

    internal static string GoDuration(TimeSpan span) => span.TotalSeconds >= 1 && span.Milliseconds == 0
        ? $"{((long)span.TotalSeconds).ToString(CultureInfo.InvariantCulture)}s"
        : $"{((long)span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}ms";

    private async Task KeepRegisteredAsync(ConsulServiceRegistration registration, CancellationToken ct)
    {
        var failures = 0;
        var registered = false;
        while (!ct.IsCancellationRequested)
        {
            TimeSpan next;
            try
            {
                // Rebuilt each time: metadata hooks may report state that changes (a disk added or drained).
                registration = BuildRegistration(options.Value, config, identity, services) ?? registration;
                await client.RegisterAsync(registration, ct);
                metrics.Registered(ok: true);
                if (!registered || failures > 0)
                {
                    LogRegistered(registration.Id, registration.Address, registration.Port);
                }

                registered = true;
                failures = 0;
                next = options.Value.ReRegisterInterval;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                failures++;
                metrics.Registered(ok: false);
                LogRegisterFailed(registration.Id, failures, e.Message);
                next = TimeSpan.FromMilliseconds(Math.Min(30_000, 200 * Math.Pow(2, Math.Min(failures, 10))));
            }

            await Task.Delay(next, _time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    [LoggerMessage(EventId = 3211, Level = LogLevel.Information, Message = "Registered {Id} with Consul at {Address}:{Port}")]
    private partial void LogRegistered(string id, string address, int port);

    [LoggerMessage(EventId = 3212, Level = LogLevel.Warning, Message = "Consul registration of {Id} failed ({Failures} in a row: {Reason}); retrying")]
    private partial void LogRegisterFailed(string id, int failures, string reason);

    [LoggerMessage(EventId = 3213, Level = LogLevel.Information, Message = "Deregistered {Id} from Consul")]
    private partial void LogDeregistered(string id);

    [LoggerMessage(EventId = 3214, Level = LogLevel.Warning, Message = "Consul deregistration of {Id} failed ({Reason}); the agent will reap it")]
    private partial void LogDeregisterFailed(string id, string reason);

    [LoggerMessage(EventId = 3215, Level = LogLevel.Information, Message = "{Service} has no Cairn:HttpPort: not registering with Consul")]
    private partial void LogNotRegistering(string service);
}
