using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Cairn.StorageNode.Client;
using StorageNodeClient = Cairn.Storage.V1.StorageNode.StorageNodeClient;

namespace StorageNode.Tests;

/// <summary>The real storage node as a child process on free ports, for crash tests.</summary>
public sealed class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StorageNodeClients _clients = new();
    private readonly Queue<string> _lastLines = new();

    private NodeProcess(Process process, int grpcPort)
    {
        _process = process;
        Client = _clients.Get($"http://127.0.0.1:{grpcPort}");
    }

    public StorageNodeClient Client { get; }

    public static async Task<NodeProcess> StartAsync(string nodeId, IReadOnlyList<string> disks)
    {
        int httpPort = FreePort(), grpcPort = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[]
        {
            ServiceDll(), $"--Cairn:NodeId={nodeId}", $"--Cairn:HttpPort={httpPort}", $"--Cairn:GrpcPort={grpcPort}",
            $"--Cairn:Disks={string.Join(',', disks)}", "--Logging:LogLevel:Default=Warning",
        })
        {
            start.ArgumentList.Add(arg);
        }

        var node = new NodeProcess(Process.Start(start)!, grpcPort);
        node._process.OutputDataReceived += (_, e) => node.Keep(e.Data);
        node._process.ErrorDataReceived += (_, e) => node.Keep(e.Data);
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            Assert.False(node._process.HasExited, $"node exited at start: {node.Output}");
            Assert.True(DateTime.UtcNow < deadline, $"node not healthy within 90 s: {node.Output}");
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{httpPort}/health"));
                if (response.IsSuccessStatusCode)
                {
                    return node;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }
    }

    public string Output
    {
        get
        {
            lock (_lastLines)
            {
                return string.Join('\n', _lastLines);
            }
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing — what a power cut looks like to the process.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        _clients.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > 50)
            {
                _lastLines.Dequeue();
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The service's own build output next to this test's (same configuration).</summary>
    private static string ServiceDll()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string framework = testBin.Name, configuration = testBin.Parent!.Name;
        var root = testBin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Directory.Build.props")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        string dll = Path.Combine(root.FullName, "services", "storage-node", "Cairn.StorageNode", "bin", configuration, framework, "Cairn.StorageNode.dll");
        Assert.True(File.Exists(dll), $"service not built at {dll}");
        return dll;
    }
}
