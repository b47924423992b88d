namespace Cairn.EndToEnd.Tests.Clients;

/// <summary>
/// How each real client is pointed at the stack: path-style endpoint, the stack's key, us-east-1, and no user
/// configuration files. One method per client, so a scenario reads as the commands a user would type.
/// </summary>
public sealed class S3Clients(string endpoint, string accessKey, string secretKey, string workDirectory)
{
    private readonly Uri _endpoint = new(endpoint);

    /// <summary>awscli (the first `aws` on PATH: Debian's v2 or pip's v1, whichever is installed).</summary>
    public Task<ClientRun> AwsAsync(params string[] args) =>
        ExternalClient.RunAsync("aws", ["--endpoint-url", endpoint, .. args], AwsEnvironment());

    /// <summary>s3cmd with a config file written for this stack (s3cmd reads no environment for endpoints).</summary>
    public Task<ClientRun> S3cmdAsync(params string[] args) =>
        ExternalClient.RunAsync("s3cmd", ["-c", S3cmdConfig(), .. args], new Dictionary<string, string> { ["HOME"] = workDirectory });

    /// <summary>rclone with the remote "cairn:" defined entirely by environment variables.</summary>
    public Task<ClientRun> RcloneAsync(params string[] args) =>
        ExternalClient.RunAsync("rclone", args, new Dictionary<string, string>
        {
            ["RCLONE_CONFIG"] = Path.Combine(workDirectory, "rclone.conf"),
            ["RCLONE_CONFIG_CAIRN_TYPE"] = "s3",
            ["RCLONE_CONFIG_CAIRN_PROVIDER"] = "Other",
            ["RCLONE_CONFIG_CAIRN_ACCESS_KEY_ID"] = accessKey,
            ["RCLONE_CONFIG_CAIRN_SECRET_ACCESS_KEY"] = secretKey,
            ["RCLONE_CONFIG_CAIRN_ENDPOINT"] = endpoint,
            ["RCLONE_CONFIG_CAIRN_REGION"] = "us-east-1",
            ["RCLONE_CONFIG_CAIRN_FORCE_PATH_STYLE"] = "true",
            // Small cutoff and chunks so the 9 MiB file of a sync tree goes through multipart too.
            ["RCLONE_CONFIG_CAIRN_UPLOAD_CUTOFF"] = "5Mi",
            ["RCLONE_CONFIG_CAIRN_CHUNK_SIZE"] = "5Mi",
            ["HOME"] = workDirectory,
        });

    /// <summary>A boto3 script from Scripts/ with the endpoint and key as its first three arguments.</summary>
    public Task<ClientRun> Boto3Async(string script, params string[] args) =>
        ExternalClient.RunAsync("python3", [Path.Combine(AppContext.BaseDirectory, "Scripts", script), endpoint, accessKey, secretKey, .. args], AwsEnvironment());

    public static Task<ClientRun> CurlAsync(params string[] args) =>
        ExternalClient.RunAsync("curl", ["--silent", "--show-error", "--fail", .. args]);

    private Dictionary<string, string> AwsEnvironment() => new()
    {
        ["AWS_ACCESS_KEY_ID"] = accessKey,
        ["AWS_SECRET_ACCESS_KEY"] = secretKey,
        ["AWS_DEFAULT_REGION"] = "us-east-1",
        ["AWS_CONFIG_FILE"] = AwsConfig(),
        ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
        ["AWS_PAGER"] = "",
        ["HOME"] = workDirectory,
    };

    /// <summary>
    /// awscli v1 (and boto3) presign with SigV2 unless told otherwise, and Cairn refuses SigV2 by design
    /// (threats.md #5); this is the one setting S3-compatible stores document for them. awscli v2 ignores it.
    /// </summary>
    private string AwsConfig()
    {
        var path = Path.Combine(workDirectory, "aws-config");
        if (!File.Exists(path))
        {
            File.WriteAllLines(path, ["[default]", "s3 =", "    signature_version = s3v4"]);
        }
        return path;
    }

    private string S3cmdConfig()
    {
        var path = Path.Combine(workDirectory, "s3cfg");
        if (!File.Exists(path))
        {
            var host = $"{_endpoint.Host}:{_endpoint.Port}";
            File.WriteAllLines(path,
            [
                "[default]",
                $"access_key = {accessKey}",
                $"secret_key = {secretKey}",
                $"host_base = {host}",
                $"host_bucket = {host}",
                "use_https = False",
                "signature_v2 = False",
                "bucket_location = us-east-1",
                "multipart_chunk_size_mb = 15",
            ]);
        }
        return path;
    }
}
