using System.Diagnostics;
using System.Net.Sockets;

namespace Cairn.Bench;

/// <summary>nginx serving a directory on 127.0.0.1: the HTTP ceiling of this machine, as a yardstick.</summary>
public sealed class Nginx : IDisposable
{
    private readonly Process _process;

    private Nginx(Process process, string root, int port)
    {
        _process = process;
        Root = root;
        Port = port;
    }

    public string Root { get; }
    public int Port { get; }

    public static async Task<Nginx> StartAsync(string workDir)
    {
        var binary = new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("nginx is not installed (apt-get install nginx-light)");
        var root = Path.Combine(workDir, "www");
        Directory.CreateDirectory(root);
        Directory.CreateDirectory(Path.Combine(workDir, "logs"));
        var port = Cairn.DevStack.LocalStack.FreePort();
        var conf = Path.Combine(workDir, "nginx.conf");
        // As root, nginx's workers would drop to 'nobody', which cannot read a private temp directory.
        var user = Environment.UserName == "root" ? "user root;" : "";
        await File.WriteAllTextAsync(conf, $$"""
            {{user}}
            worker_processes 1;
            daemon off;
            pid {{workDir}}/nginx.pid;
            error_log {{workDir}}/logs/error.log warn;
            events { worker_connections 1024; }
            http {
              access_log off;
              sendfile on;
              tcp_nopush on;
              client_body_temp_path {{workDir}}/tmp;
              proxy_temp_path {{workDir}}/tmp;
              fastcgi_temp_path {{workDir}}/tmp;
              uwsgi_temp_path {{workDir}}/tmp;
              scgi_temp_path {{workDir}}/tmp;
              server { listen 127.0.0.1:{{port}}; root {{root}}; }
            }
            """);
        Directory.CreateDirectory(Path.Combine(workDir, "tmp"));
        var process = Process.Start(new ProcessStartInfo(binary, ["-c", conf, "-p", workDir]) { RedirectStandardError = true })!;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync("127.0.0.1", port);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
        }

        return new Nginx(process, root, port);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            // The whole tree: a worker left behind would hold the benchmark's stdout open.
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }
}
