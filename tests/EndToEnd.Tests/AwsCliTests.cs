using System.Diagnostics;
using System.Security.Cryptography;

namespace Cairn.EndToEnd.Tests;

/// <summary>The newcomer's check from the README: `aws s3 cp` of 100 MiB up and back is byte-identical.</summary>
[Collection(StackCollection.Name)]
public sealed class AwsCliTests(StackFixture stack)
{
    [Fact]
    public async Task AwsCli_Cp100MiB_UpAndBackIsByteIdentical()
    {
        var work = Directory.CreateTempSubdirectory("cairn-awscli-");
        try
        {
            var bucket = "cli-" + Guid.NewGuid().ToString("N")[..10];
            var source = Path.Combine(work.FullName, "in.bin");
            var back = Path.Combine(work.FullName, "out.bin");
            await WriteRandomFileAsync(source, 100 * 1024 * 1024);

            await AwsAsync("s3", "mb", $"s3://{bucket}");
            await AwsAsync("s3", "cp", source, $"s3://{bucket}/dir/in.bin");
            var listing = await AwsAsync("s3", "ls", $"s3://{bucket}/dir/");
            Assert.Contains("in.bin", listing, StringComparison.Ordinal);
            await AwsAsync("s3", "cp", $"s3://{bucket}/dir/in.bin", back);

            Assert.Equal(await HashFileAsync(source), await HashFileAsync(back));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task AwsCli_WrongSecret_FailsWithSignatureDoesNotMatch()
    {
        var (code, output) = await RunAsync(["s3", "ls"], secret: "wrong-secret");
        Assert.NotEqual(0, code);
        Assert.Contains("SignatureDoesNotMatch", output, StringComparison.Ordinal);
    }

    private async Task<string> AwsAsync(params string[] args)
    {
        var (code, output) = await RunAsync(args);
        Assert.True(code == 0, $"aws {string.Join(' ', args)} exited {code}: {output}");
        return output;
    }

    private async Task<(int Code, string Output)> RunAsync(string[] args, string? secret = null)
    {
        var psi = new ProcessStartInfo("aws") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("--endpoint-url");
        psi.ArgumentList.Add(stack.Endpoint);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["AWS_ACCESS_KEY_ID"] = StackFixture.AccessKey;
        psi.Environment["AWS_SECRET_ACCESS_KEY"] = secret ?? StackFixture.SecretKey;
        psi.Environment["AWS_DEFAULT_REGION"] = "us-east-1";
        psi.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        psi.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        psi.Environment.Remove("AWS_CA_BUNDLE");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout + await stderr);
    }

    private static async Task WriteRandomFileAsync(string path, int size)
    {
        var buffer = new byte[1024 * 1024];
        await using var f = File.Create(path);
        for (var written = 0; written < size; written += buffer.Length)
        {
            RandomNumberGenerator.Fill(buffer);
            await f.WriteAsync(buffer.AsMemory(0, Math.Min(buffer.Length, size - written)));
        }
    }

    private static async Task<string> HashFileAsync(string path)
    {
        await using var f = File.OpenRead(path);
        return Convert.ToHexString(await SHA256.HashDataAsync(f));
    }
}
