using System.Globalization;
using System.Net;
using System.Text;
using System.Xml.Linq;
using Cairn.S3.Protocol;

namespace Cairn.Frontend.Http;

/// <summary>
/// Object tags as S3 limits them: at most 10, keys of 1-128 and values of 0-256 Unicode characters, keys
/// unique and outside the reserved "aws:" prefix. Read from the x-amz-tagging header (URL query form) or from
/// a &lt;Tagging&gt; body; whatever breaks a rule is InvalidTag before anything is stored.
/// </summary>
public static class TagSet
{
    public const int MaxTags = 10;
    private const int MaxKeyLength = 128;
    private const int MaxValueLength = 256;
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    /// <summary>Parses "k1=v1&amp;k2=v2" (percent-encoded); null or empty means no tags.</summary>
    public static Dictionary<string, string> FromHeader(string? header)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(header))
        {
            return tags;
        }
        foreach (var pair in header.Split('&'))
        {
            if (pair.Length == 0)
            {
                continue;
            }
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Unescape(eq >= 0 ? pair[..eq] : pair);
            var value = eq >= 0 ? Unescape(pair[(eq + 1)..]) : string.Empty;
            Add(tags, key, value);
        }
        return tags;
    }

    /// <summary>Reads &lt;Tagging&gt;&lt;TagSet&gt;&lt;Tag&gt;&lt;Key/&gt;&lt;Value/&gt;&lt;/Tag&gt;...; a wrong shape is MalformedXML.</summary>
    public static Dictionary<string, string> FromXml(XDocument? document)
    {
        var root = document?.Root;
        if (root is null || root.Name.LocalName != "Tagging")
        {
            throw S3Errors.MalformedXML();
        }
        var tagSet = root.Children("TagSet").ToList();
        if (tagSet.Count != 1)
        {
            throw S3Errors.MalformedXML();
        }
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tagSet[0].Children("Tag"))
        {
            var key = tag.ChildValue("Key");
            var value = tag.ChildValue("Value");
            if (key is null || value is null)
            {
                throw S3Errors.MalformedXML();
            }
            Add(tags, key, value);
        }
        return tags;
    }

    /// <summary>The tags as the Tagging XML body of GetObjectTagging.</summary>
    public static void WriteXml(System.Xml.XmlWriter w, IEnumerable<KeyValuePair<string, string>> tags)
    {
        w.WriteStartElement("TagSet", S3Xml.Namespace);
        foreach (var (key, value) in tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            w.WriteStartElement("Tag", S3Xml.Namespace);
            w.Element("Key", key);
            w.Element("Value", value);
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    private static void Add(Dictionary<string, string> tags, string key, string value)
    {
        if (key.Length == 0 || new StringInfo(key).LengthInTextElements > MaxKeyLength)
        {
            throw S3Errors.InvalidTag("The TagKey you have provided is invalid");
        }
        if (new StringInfo(value).LengthInTextElements > MaxValueLength)
        {
            throw S3Errors.InvalidTag("The TagValue you have provided is invalid");
        }
        if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
        {
            throw S3Errors.InvalidTag("Your TagKey cannot be prefixed with aws:");
        }
        if (!tags.TryAdd(key, value))
        {
            throw S3Errors.InvalidTag("Cannot provide multiple Tags with the same key");
        }
        if (tags.Count > MaxTags)
        {
            throw S3Errors.InvalidTag("Object tags cannot be greater than 10");
        }
    }

    private static string Unescape(string text)
    {
        // Strict: a stray '%' or bytes that are not UTF-8 are refused, never silently replaced.
        for (var i = text.IndexOf('%', StringComparison.Ordinal); i >= 0; i = text.IndexOf('%', i + 1))
        {
            if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2]))
            {
                throw BadHeader();
            }
        }
        try
        {
            // Form encoding: '+' is a space, as in any URL query.
            var bytes = WebUtility.UrlDecodeToBytes(Encoding.UTF8.GetBytes(text), 0, Encoding.UTF8.GetByteCount(text));
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw BadHeader();
        }
    }

    private static S3Exception BadHeader() =>
        S3Errors.InvalidTag("The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.");
}
