using System.Globalization;
using Cairn.S3.Protocol;

namespace Cairn.Frontend.Http;

/// <summary>A single satisfiable byte range of an object of known size.</summary>
public readonly record struct ByteRange(long Offset, long Length)
{
    public long Last => Offset + Length - 1;

    /// <summary>
    /// Parses a Range header: "bytes=a-b", "bytes=a-" (open) and "bytes=-n" (suffix). Returns null when the
    /// header is absent or not a byte-range spec (ignored, as HTTP says). Unsatisfiable -> InvalidRange (416);
    /// several ranges are refused (S3 serves one range per request).
    /// </summary>
    public static ByteRange? Parse(string? header, long size)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }
        var spec = header.Trim();
        if (!spec.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        spec = spec[6..].Trim();
        if (spec.Contains(',', StringComparison.Ordinal))
        {
            throw S3Errors.NotImplemented("Multiple ranges in one request are not supported.");
        }
        var dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return null;
        }
        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.Length == 0)
        {
            if (!TryParse(last, out var suffix))
            {
                return null;
            }
            if (suffix == 0 || size == 0)
            {
                throw S3Errors.InvalidRange();
            }
            var length = Math.Min(suffix, size);
            return new ByteRange(size - length, length);
        }
        if (!TryParse(first, out var start))
        {
            return null;
        }
        long end;
        if (last.Length == 0)
        {
            end = size - 1;
        }
        else if (!TryParse(last, out end) || end < start)
        {
            return null;
        }
        if (start >= size)
        {
            throw S3Errors.InvalidRange();
        }
        end = Math.Min(end, size - 1);
        return new ByteRange(start, end - start + 1);
    }

    /// <summary>
    /// Parses x-amz-copy-source-range, which S3 defines more strictly than Range: exactly "bytes=first-last",
    /// both offsets given and inside the source. Absent means the whole source.
    /// </summary>
    public static ByteRange ParseCopySource(string? header, long size)
    {
        if (header is null)
        {
            return new ByteRange(0, size);
        }
        var spec = header.Trim();
        var dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (!spec.StartsWith("bytes=", StringComparison.Ordinal) || dash < 0
            || !TryParse(spec[6..dash], out var first) || !TryParse(spec[(dash + 1)..], out var last) || last < first)
        {
            throw S3Errors.InvalidArgument(
                "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy",
                "x-amz-copy-source-range", header);
        }
        if (last >= size)
        {
            throw S3Errors.InvalidRange();
        }
        return new ByteRange(first, last - first + 1);
    }

    private static bool TryParse(string s, out long value) =>
        long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
