using System.Diagnostics;

namespace Cairn.Compose.Tests;

public class ComposeFileTests
{
    private static readonly string Root = FindRoot();

    public static TheoryData<string> Services => new() { "frontend", "namespace", "placement", "storage-node", "background-ops", "heat-monitor" };

    [Fact]
    public async Task DockerCompose_Config_IsValid()
    {
        var psi = new ProcessStartInfo("docker-compose", "config") { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        var config = await stdout;
        Assert.True(p.ExitCode == 0, stderr);

        // Every service with a Dapr sidecar and a health check; the platform pieces the brief names.
        foreach (var name in new[] { "consul", "redis", "jaeger", "prometheus", "grafana", "frontend-dapr", "namespace-dapr", "placement-dapr",
                     "heat-monitor-dapr", "background-ops-dapr", "storage-node-1-dapr", "storage-node-2-dapr", "storage-node-3-dapr" })
        {
            Assert.Contains($"\n  {name}:\n", config, StringComparison.Ordinal);
        }

        Assert.Contains("condition: service_healthy", config, StringComparison.Ordinal);
        Assert.Matches(@"published: .?9000|9000:9000", config);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Dockerfile_PerService_PublishesItsProjectAndChecksHealth(string service)
    {
        var dockerfile = File.ReadAllText(Path.Combine(Root, "services", service, "Dockerfile"));
        var project = Directory.GetFiles(Path.Combine(Root, "services", service), "*.csproj", SearchOption.AllDirectories)
            .Select(Path.GetFileNameWithoutExtension)
            .Single(n => dockerfile.Contains($"{n}.dll", StringComparison.Ordinal));
        Assert.Contains($"dotnet publish services/{service}/{project}/{project}.csproj", dockerfile, StringComparison.Ordinal);
        Assert.Contains("HEALTHCHECK", dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void Grafana_HasADashboardPerService()
    {
        foreach (var service in Services)
        {
            Assert.True(File.Exists(Path.Combine(Root, "tools", "compose", "grafana", "dashboards", $"{service}.json")), service);
        }
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "docker-compose.yml")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
