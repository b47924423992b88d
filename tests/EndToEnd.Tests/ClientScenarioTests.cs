using System.Text.Json;
using Cairn.EndToEnd.Tests.Clients;

namespace Cairn.EndToEnd.Tests;

/// <summary>
/// The clients people already use, unmodified and with their default settings, against the real stack: awscli,
/// s3cmd, rclone, boto3 and curl on presigned URLs. Each scenario uses its own bucket and temp directory.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ClientScenarioTests(StackFixture stack) : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("cairn-clients-");
    private readonly string _bucket = "clients-" + Guid.NewGuid().ToString("N")[..10];

    private S3Clients Clients => new(stack.Endpoint, StackFixture.AccessKey, StackFixture.SecretKey, _work.FullName);

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task AwsCli_SyncTreeUpAndDown_IdenticalAndSecondSyncUploadsNothing()
    {
        var (source, target) = await TreePairAsync(seed: 1);

        (await Clients.AwsAsync("s3", "mb", $"s3://{_bucket}")).Succeeded();
        (await Clients.AwsAsync("s3", "sync", source, $"s3://{_bucket}/tree/")).Succeeded();
        (await Clients.AwsAsync("s3", "sync", $"s3://{_bucket}/tree/", target)).Succeeded();
        var again = (await Clients.AwsAsync("s3", "sync", source, $"s3://{_bucket}/tree/")).Succeeded();

        Assert.Equal(await FileTree.HashAsync(source), await FileTree.HashAsync(target));
        Assert.DoesNotContain("upload:", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task S3cmd_SyncTreeUpAndDown_Identical()
    {
        var (source, target) = await TreePairAsync(seed: 2);

        (await Clients.S3cmdAsync("mb", $"s3://{_bucket}")).Succeeded();
        (await Clients.S3cmdAsync("sync", source + "/", $"s3://{_bucket}/tree/")).Succeeded();
        (await Clients.S3cmdAsync("sync", $"s3://{_bucket}/tree/", target + "/")).Succeeded();

        Assert.Equal(await FileTree.HashAsync(source), await FileTree.HashAsync(target));
    }

    [Fact]
    public async Task Rclone_SyncTreeUpAndDown_IdenticalAndCheckAgrees()
    {
        var (source, target) = await TreePairAsync(seed: 3);

        (await Clients.RcloneAsync("mkdir", $"cairn:{_bucket}")).Succeeded();
        (await Clients.RcloneAsync("sync", source, $"cairn:{_bucket}/tree")).Succeeded();
        (await Clients.RcloneAsync("sync", $"cairn:{_bucket}/tree", target)).Succeeded();
        var check = await Clients.RcloneAsync("check", source, $"cairn:{_bucket}/tree");

        Assert.Equal(await FileTree.HashAsync(source), await FileTree.HashAsync(target));
        Assert.True(check.ExitCode == 0, check.Output);
    }

    [Fact]
    public async Task S3cmd_Multipart200MiB_UpAndDownByteIdentical()
    {
        var source = Path.Combine(_work.FullName, "big.bin");
        var back = Path.Combine(_work.FullName, "big.back");
        await FileTree.WriteRandomFileAsync(source, 200L * 1024 * 1024);
        try
        {
            (await Clients.S3cmdAsync("mb", $"s3://{_bucket}")).Succeeded();
            (await Clients.S3cmdAsync("put", source, $"s3://{_bucket}/big.bin")).Succeeded();
            var head = (await Clients.AwsAsync("s3api", "head-object", "--bucket", _bucket, "--key", "big.bin")).Succeeded();
            (await Clients.S3cmdAsync("get", $"s3://{_bucket}/big.bin", back)).Succeeded();

            // 200 MiB in s3cmd's 15 MiB parts: 14 parts, and the multipart ETag says so.
            var etag = JsonDocument.Parse(head.Stdout).RootElement.GetProperty("ETag").GetString();
            Assert.EndsWith("-14\"", etag, StringComparison.Ordinal);
            Assert.Equal(await FileTree.HashFileAsync(source), await FileTree.HashFileAsync(back));
        }
        finally
        {
            File.Delete(source);
            File.Delete(back);
        }
    }

    [Fact]
    public async Task Boto3_Multipart_UploadFileAndDownloadFileByteIdentical()
    {
        var source = Path.Combine(_work.FullName, "parts.bin");
        var back = Path.Combine(_work.FullName, "parts.back");
        await FileTree.WriteRandomFileAsync(source, 33L * 1024 * 1024 + 5);
        (await Clients.AwsAsync("s3", "mb", $"s3://{_bucket}")).Succeeded();

        var result = await Boto3JsonAsync("multipart", _bucket, "parts.bin", source, back);

        Assert.EndsWith("-5\"", result.GetProperty("etag").GetString(), StringComparison.Ordinal);
        Assert.Equal(new FileInfo(source).Length, result.GetProperty("size").GetInt64());
        Assert.Equal(await FileTree.HashFileAsync(source), await FileTree.HashFileAsync(back));
    }

    [Fact]
    public async Task PresignedUrls_FromAwsCliAndBoto3_WorkWithCurl()
    {
        var upload = Path.Combine(_work.FullName, "upload.txt");
        var download = Path.Combine(_work.FullName, "download.txt");
        await File.WriteAllTextAsync(upload, "sent with curl through a presigned PUT\n");
        (await Clients.AwsAsync("s3", "mb", $"s3://{_bucket}")).Succeeded();

        var putUrl = (await Boto3JsonAsync("presign", _bucket, "dir/curl.txt", "PUT", "300")).GetProperty("url").GetString()!;
        (await S3Clients.CurlAsync("--upload-file", upload, putUrl)).Succeeded();
        var getUrl = (await Clients.AwsAsync("s3", "presign", $"s3://{_bucket}/dir/curl.txt", "--expires-in", "300")).Succeeded().Stdout.Trim();
        (await S3Clients.CurlAsync("--output", download, getUrl)).Succeeded();
        var headUrl = (await Boto3JsonAsync("presign", _bucket, "dir/curl.txt", "HEAD", "300")).GetProperty("url").GetString()!;
        var head = (await S3Clients.CurlAsync("--head", headUrl)).Succeeded();
        var tampered = await S3Clients.CurlAsync("--output", "/dev/null", getUrl.Replace("curl.txt", "other.txt", StringComparison.Ordinal));
        var sigV2Url = (await Boto3JsonAsync("presign", _bucket, "dir/curl.txt", "GET", "300", "s3")).GetProperty("url").GetString()!;
        var sigV2 = await ExternalClient.RunAsync("curl", ["--silent", sigV2Url]);
        var deleteUrl = (await Boto3JsonAsync("presign", _bucket, "dir/curl.txt", "DELETE", "300")).GetProperty("url").GetString()!;
        (await S3Clients.CurlAsync("--request", "DELETE", deleteUrl)).Succeeded();
        var gone = await Clients.AwsAsync("s3api", "head-object", "--bucket", _bucket, "--key", "dir/curl.txt");

        Assert.Equal(await File.ReadAllTextAsync(upload), await File.ReadAllTextAsync(download));
        Assert.Contains("content-length: 39", head.Stdout, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("403", tampered.Stderr, StringComparison.Ordinal);
        // SigV2, boto3's and awscli v1's unconfigured choice for presigning, is refused on purpose (threats.md #5).
        Assert.Contains("AWSAccessKeyId=", sigV2Url, StringComparison.Ordinal);
        Assert.Contains("<Code>AccessDenied</Code>", sigV2.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(0, gone.ExitCode);
        Assert.Contains("404", gone.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listing_WithDelimiters_EveryClientSeesTheSameHierarchy()
    {
        (await Clients.AwsAsync("s3", "mb", $"s3://{_bucket}")).Succeeded();
        var empty = Path.Combine(_work.FullName, "one.txt");
        await File.WriteAllTextAsync(empty, "x");
        string[] keys = ["docs/a.txt", "docs/b.txt", "docs/2024/x.txt", "docs/2024/y.txt", "docs/2025/z.txt", "docs/sub dir/é.txt", "top.txt"];
        foreach (var key in keys)
        {
            (await Clients.AwsAsync("s3", "cp", empty, $"s3://{_bucket}/{key}")).Succeeded();
        }

        var api = JsonDocument.Parse((await Clients.AwsAsync("s3api", "list-objects-v2", "--bucket", _bucket, "--prefix", "docs/", "--delimiter", "/")).Succeeded().Stdout).RootElement;
        var boto = await Boto3JsonAsync("list", _bucket, "docs/", "/", "2");
        var awsLs = (await Clients.AwsAsync("s3", "ls", $"s3://{_bucket}/docs/")).Succeeded().Stdout;
        var s3cmdLs = (await Clients.S3cmdAsync("ls", $"s3://{_bucket}/docs/")).Succeeded().Stdout;
        var rcloneLs = (await Clients.RcloneAsync("lsf", $"cairn:{_bucket}/docs")).Succeeded().Stdout;

        string[] files = ["docs/a.txt", "docs/b.txt"];
        string[] prefixes = ["docs/2024/", "docs/2025/", "docs/sub dir/"];
        Assert.Equal(files, api.GetProperty("Contents").EnumerateArray().Select(o => o.GetProperty("Key").GetString()));
        Assert.Equal(prefixes, api.GetProperty("CommonPrefixes").EnumerateArray().Select(p => p.GetProperty("Prefix").GetString()));
        Assert.Equal(files, boto.GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(prefixes, boto.GetProperty("prefixes").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(3, boto.GetProperty("pages").GetInt32());
        Assert.Equal(["PRE 2024/", "PRE 2025/", "PRE sub dir/", "a.txt", "b.txt"], Lines(awsLs).Select(AwsLsName));
        Assert.Equal(["2024/", "2025/", "a.txt", "b.txt", "sub dir/"], Lines(rcloneLs).Order(StringComparer.Ordinal));
        Assert.Equal(prefixes.Select(p => $"s3://{_bucket}/{p}").Concat(files.Select(f => $"s3://{_bucket}/{f}")),
            Lines(s3cmdLs).Select(l => l[(l.IndexOf("s3://", StringComparison.Ordinal))..]));
    }

    [Fact]
    public async Task Boto3_VersionsTagsAndUploadPartCopy_BehaveAsOnS3()
    {
        (await Clients.AwsAsync("s3", "mb", $"s3://{_bucket}")).Succeeded();

        var result = await Boto3JsonAsync("versions-and-tags", _bucket);

        var ids = result.GetProperty("ids").EnumerateArray().Select(i => i.GetString()).ToList();
        Assert.Equal([$"{ids[1]} false", $"{ids[0]} false"], Pairs(result.GetProperty("versions")));
        Assert.Equal([$"{ids[2]} true"], Pairs(result.GetProperty("markers")));
        Assert.Equal("one", result.GetProperty("old").GetString());
        Assert.Equal("storage", result.GetProperty("tags").GetProperty("team").GetString());
        Assert.Equal("two", result.GetProperty("restored").GetString());
        Assert.True(result.GetProperty("copy_identical").GetBoolean());
    }

    private async Task<(string Source, string Target)> TreePairAsync(int seed)
    {
        var source = Path.Combine(_work.FullName, "source");
        var target = Path.Combine(_work.FullName, "target");
        await FileTree.CreateAsync(source, seed);
        Directory.CreateDirectory(target);
        return (source, target);
    }

    private async Task<JsonElement> Boto3JsonAsync(params string[] args)
    {
        var run = (await Clients.Boto3Async("boto3_client.py", args)).Succeeded();
        return JsonDocument.Parse(run.Stdout).RootElement.Clone();
    }

    // [["id", true], ...] -> ["id true", ...]
    private static List<string> Pairs(JsonElement array) =>
        array.EnumerateArray().Select(p => $"{p[0].GetString()} {p[1].GetRawText()}").ToList();

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    // "2024-01-01 00:00:00          1 a.txt" -> "a.txt"; "PRE 2024/" stays.
    private static string AwsLsName(string line) =>
        line.StartsWith("PRE ", StringComparison.Ordinal) ? line : line.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries)[3];
}
