using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Cairn.Placement.V1;
using Grpc.Net.Client;

namespace Cairn.DevStack;

/// <summary>
/// The whole system on one machine: placement, heat monitor, namespace, background ops, N storage nodes with
/// M disks each, and the S3 frontend, each its own process on 127.0.0.1, started in dependency order and
/// waited on through their health endpoints (never on sleeps). Used by the launcher and the end-to-end tests.
/// </summary>
public sealed class LocalStack : IAsyncDisposable
{
    private readonly List<ServiceProcess> _processes = [];
    private readonly StackOptions _options;
    private readonly Dictionary<string, string> _discovery = [];

    private LocalStack(StackOptions options) => _options = options;

    public StackOptions Options => _options;
    public IReadOnlyList<ServiceProcess> Processes => _processes;
    public string S3Endpoint { get; private set; } = "";
    public ServiceProcess Service(string name) => _processes.First(p => p.Name == name);

    public static async Task<LocalStack> StartAsync(StackOptions options, TextWriter? progress = null, CancellationToken ct = default)
    {
        var s3Port = options.S3Port == 0 ? FreePort() : options.S3Port;
        var stack = new LocalStack(options with { S3Port = s3Port });
        try
        {
            await stack.StartAllAsync(progress ?? TextWriter.Null, ct);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    private async Task StartAllAsync(TextWriter progress, CancellationToken ct)
    {
        Directory.CreateDirectory(_options.DataDir);
        string[] control = ["placement", "heat-monitor", "namespace", "background-ops"];
        var ports = control.Concat(["frontend"]).ToDictionary(n => n, _ => (Http: FreePort(), Grpc: FreePort()));
        foreach (var (name, (http, grpc)) in ports)
        {
            _discovery[$"services:{name}:http:0"] = $"http://127.0.0.1:{http}";
            _discovery[$"services:{name}:grpc:0"] = $"http://127.0.0.1:{grpc}";
        }

        foreach (var name in control)
        {
            StartService(name, ports[name].Http, ports[name].Grpc, []);
        }

        await WaitHealthyAsync(_processes, ct);
        progress.WriteLine("control plane up: placement, heat-monitor, namespace, background-ops");

        var nodes = new List<ServiceProcess>();
        for (var n = 0; n < _options.StorageNodes; n++)
        {
            var nodeId = $"node{n + 1}";
            var disks = Enumerable.Range(0, _options.DisksPerNode)
                .Select(d => Path.Combine(_options.DataDir, nodeId, $"disk{d}"))
                .ToList();
            nodes.Add(StartService("storage-node", FreePort(), FreePort(), new()
            {
                ["Cairn:NodeId"] = nodeId,
                ["Cairn:Disks"] = string.Join(',', disks),
                ["Cairn:Rack"] = $"rack{(n % 3) + 1}",
                ["Cairn:Zone"] = "zone1",
            }, instance: nodeId));
        }

        await WaitHealthyAsync(nodes, ct);
        await WaitForDisksAsync(_options.StorageNodes * _options.DisksPerNode, ct);
        progress.WriteLine($"storage up: {_options.StorageNodes} nodes x {_options.DisksPerNode} disks registered with placement");

        var frontend = StartService("frontend", ports["frontend"].Http, ports["frontend"].Grpc, new()
        {
            ["Cairn:PublicPort"] = _options.S3Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await WaitHealthyAsync([frontend], ct);
        S3Endpoint = $"http://127.0.0.1:{_options.S3Port}";
    }

    private ServiceProcess StartService(string name, int httpPort, int grpcPort, Dictionary<string, string> own, string? instance = null)
    {
        var config = new Dictionary<string, string>(_discovery)
        {
            ["Cairn:HttpPort"] = httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cairn:GrpcPort"] = grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cairn:DataDir"] = Path.Combine(_options.DataDir, instance ?? name),
        };
        foreach (var (k, v) in own)
        {
            config[k] = v;
        }

        foreach (var (k, v) in _options.Extra)
        {
            config[k] = v;
        }

        var env = new Dictionary<string, string>
        {
            ["S3_ACCESS_KEY"] = _options.AccessKey,
            ["S3_SECRET_KEY"] = _options.SecretKey,
        };
        var process = ServiceProcess.Start(instance ?? name, ServiceDll(name), httpPort, grpcPort, config,
            Path.Combine(_options.DataDir, "logs", $"{instance ?? name}.log"), env);
        _processes.Add(process);
        return process;
    }

    /// <summary>Restarts a stopped storage node with the same identity, ports and disks.</summary>
    public ServiceProcess RestartStorageNode(string nodeId)
    {
        var old = Service(nodeId);
        old.Kill();
        _processes.Remove(old);
        var disks = Enumerable.Range(0, _options.DisksPerNode).Select(d => Path.Combine(_options.DataDir, nodeId, $"disk{d}"));
        return StartService("storage-node", old.HttpPort, old.GrpcPort, new()
        {
            ["Cairn:NodeId"] = nodeId,
            ["Cairn:Disks"] = string.Join(',', disks),
        }, instance: nodeId);
    }

    public static string ServiceDll(string name)
    {
        var project = name switch
        {
            "placement" => ("placement", "Cairn.Placement"),
            "heat-monitor" => ("heat-monitor", "Cairn.HeatMonitor"),
            "namespace" => ("namespace", "Cairn.Namespace"),
            "background-ops" => ("background-ops", "Cairn.BackgroundOps"),
            "storage-node" => ("storage-node", "Cairn.StorageNode"),
            "frontend" => ("frontend", "Cairn.Frontend"),
            _ => throw new ArgumentException($"unknown service {name}", nameof(name)),
        };
        var meta = typeof(LocalStack).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value);
        var root = Environment.GetEnvironmentVariable("CAIRN_REPO_ROOT") ?? meta["RepoRoot"]!;
        var configuration = meta["Configuration"]!;
        return Path.Combine(root, "services", project.Item1, project.Item2, "bin", configuration, "net10.0", project.Item2 + ".dll");
    }

    private static async Task WaitHealthyAsync(IEnumerable<ServiceProcess> processes, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        foreach (var p in processes)
        {
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                if (p.HasExited)
                {
                    throw new InvalidOperationException($"{p.Name} exited during start-up; see its log");
                }

                try
                {
                    using var r = await http.GetAsync(new Uri($"{p.HttpUrl}/health"), ct);
                    if (r.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested)
                {
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"{p.Name} did not become healthy");
                }

                await Task.Delay(100, ct); // polling a readiness condition, not sleeping for one
            }
        }
    }

    private async Task WaitForDisksAsync(int expected, CancellationToken ct)
    {
        using var channel = GrpcChannel.ForAddress(Service("placement").GrpcUrl);
        var client = new Cairn.Placement.V1.Placement.PlacementClient(channel);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var map = await client.GetDiskMapAsync(new GetDiskMapRequest(), cancellationToken: ct);
            if (map.Disks.Count(d => d.State == DiskState.Active) >= expected)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"only {map.Disks.Count} of {expected} disks registered with placement");
            }

            await Task.Delay(100, ct);
        }
    }

    /// <summary>
    /// A port free right now, from below the kernel's ephemeral range (32768+ on Linux). A port the kernel handed
    /// out for bind(0) is in the range it also uses for outgoing connections, so between our check and the
    /// service's bind, one of the stack's own many shard connections could take it and the service would die at
    /// start-up. Ports are drawn at random from 20000-32767, each at most once per process.
    /// </summary>
    public static int FreePort()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_768);
            if (!IssuedPorts.TryAdd(port, 0))
            {
                continue;
            }

            try
            {
                using var l = new TcpListener(IPAddress.Loopback, port);
                l.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use by someone else: draw again.
            }
        }

        using var fallback = new TcpListener(IPAddress.Loopback, 0);
        fallback.Start();
        return ((IPEndPoint)fallback.LocalEndpoint).Port;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte> IssuedPorts = new();

    public ValueTask DisposeAsync()
    {
        // Frontend first, control plane last: the reverse of start order.
        for (var i = _processes.Count - 1; i >= 0; i--)
        {
            _processes[i].Dispose();
        }

        _processes.Clear();
        return ValueTask.CompletedTask;
    }
}
