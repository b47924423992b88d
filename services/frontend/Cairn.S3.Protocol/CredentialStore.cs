using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;

namespace Cairn.S3.Protocol;

/// <summary>Maps access keys to secret keys. Immutable after construction, so lookups need no locks.</summary>
public sealed class CredentialStore
{
    public const string DefaultAccessKey = "cairnadmin";
    public const string DefaultSecretKey = "cairnadmin-secret-key";

    private readonly Dictionary<string, string> _keys;

    public CredentialStore(IEnumerable<KeyValuePair<string, string>> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (access, secret) in keys)
        {
            if (string.IsNullOrEmpty(access) || string.IsNullOrEmpty(secret))
            {
                throw new ArgumentException("Access and secret keys must be non-empty.", nameof(keys));
            }

            _keys[access] = secret;
        }
    }

    public int Count => _keys.Count;

    /// <summary>
    /// The root key from S3_ACCESS_KEY/S3_SECRET_KEY (configuration first, then the process environment,
    /// then the dev defaults), plus every "ACCESS_KEY:SECRET" line of the optional Cairn:CredentialsFile.
    /// </summary>
    public static CredentialStore FromConfiguration(IConfiguration cfg)
    {
        ArgumentNullException.ThrowIfNull(cfg);
        var keys = new List<KeyValuePair<string, string>>
        {
            new(Setting(cfg, "S3_ACCESS_KEY") ?? DefaultAccessKey, Setting(cfg, "S3_SECRET_KEY") ?? DefaultSecretKey),
        };

        var file = cfg["Cairn:CredentialsFile"];
        if (!string.IsNullOrWhiteSpace(file))
        {
            keys.AddRange(ParseFile(File.ReadAllLines(file)));
        }

        return new CredentialStore(keys);
    }

    /// <summary>Parses "ACCESS_KEY:SECRET" lines; blank lines and '#' comments are skipped.</summary>
    public static IEnumerable<KeyValuePair<string, string>> ParseFile(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var lineNo = 0;
        foreach (var raw in lines)
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            // The secret may itself contain ':' (base64-ish secrets do), so split on the first one only.
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == line.Length - 1)
            {
                throw new FormatException($"Credentials file line {lineNo}: expected ACCESS_KEY:SECRET.");
            }

            yield return new(line[..colon].Trim(), line[(colon + 1)..].Trim());
        }
    }

    public bool TryGetSecret(string accessKey, [MaybeNullWhen(false)] out string secret)
        => _keys.TryGetValue(accessKey, out secret);

    private static string? Setting(IConfiguration cfg, string name)
    {
        var v = cfg[name];
        if (string.IsNullOrEmpty(v))
        {
            v = Environment.GetEnvironmentVariable(name);
        }

        return string.IsNullOrEmpty(v) ? null : v;
    }
}
