using System.Globalization;

namespace Cairn.NsBench;

/// <summary>
/// A realistic prefix tree, generated in UTF-8 order so loads append to the indexes: 10% log files under
/// logs/&lt;day&gt;/&lt;host&gt;/, 90% user files under users/&lt;user&gt;/{docs,photos}/ (8 per user). The users/ level
/// has more than 1000 child prefixes from 10k keys up, so a delimiter page is 1000 common prefixes at every size.
/// </summary>
public sealed class KeyTree(long keys)
{
    public const int FilesPerUser = 8;
    private const int LogsPerHost = 50;
    private const int HostsPerDay = 20;

    public long LogKeys { get; } = keys / 10 / LogsPerHost * LogsPerHost;

    public long Users => (keys - LogKeys) / FilesPerUser;

    public long Count => LogKeys + (Users * FilesPerUser);

    /// <summary>Key number <paramref name="i"/> in ascending order.</summary>
    public string Key(long i)
    {
        if (i < LogKeys)
        {
            var file = i % LogsPerHost;
            var host = i / LogsPerHost % HostsPerDay;
            var day = i / LogsPerHost / HostsPerDay;
            return string.Create(CultureInfo.InvariantCulture, $"logs/d{day:D5}/host-{host:D3}/part-{file:D5}.log.gz");
        }

        var u = i - LogKeys;
        var user = u / FilesPerUser;
        var n = u % FilesPerUser;
        var leaf = n < 2
            ? $"docs/report-{n}.pdf"
            : $"photos/2026/img_{n:D4}.jpg";
        return string.Create(CultureInfo.InvariantCulture, $"users/u{user:D8}/{leaf}");
    }

    public static string UserPrefix(long user) => string.Create(CultureInfo.InvariantCulture, $"users/u{user:D8}/");
}
