using System.Diagnostics;

namespace Cairn.EndToEnd.Tests.Clients;

/// <summary>The outcome of one client command: exit code and everything it printed.</summary>
public sealed record ClientRun(string Command, int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;

    /// <summary>Fails the test with the command and its output when the client did not succeed.</summary>
    public ClientRun Succeeded()
    {
        Assert.True(ExitCode == 0, $"{Command} exited {ExitCode}:\n{Stdout}\n{Stderr}");
        return this;
    }
}

/// <summary>
/// Runs a real S3 client (aws, s3cmd, rclone, python3, curl) as a process with a clean environment: only the
/// variables a scenario passes, so the developer's own ~/.aws or rclone config can never leak into a test.
/// </summary>
public static class ExternalClient
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static async Task<ClientRun> RunAsync(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var name in psi.Environment.Keys.Where(IsClientSetting).ToList())
        {
            psi.Environment.Remove(name);
        }
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within {Timeout}");
        }
        return new ClientRun($"{program} {string.Join(' ', psi.ArgumentList)}", process.ExitCode, await stdout, await stderr);
    }

    // AWS_* (profiles, CA bundles, endpoints), RCLONE_* and S3CMD settings of the machine running the tests.
    private static bool IsClientSetting(string name) =>
        name.StartsWith("AWS_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("RCLONE_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("BOTO_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("S3CMD", StringComparison.OrdinalIgnoreCase);
}
