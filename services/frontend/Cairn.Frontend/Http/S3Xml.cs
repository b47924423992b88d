using System.Globalization;
using System.Text;
using System.Xml;
using Microsoft.AspNetCore.Http;

namespace Cairn.Frontend.Http;

/// <summary>Writes S3 XML response bodies with XmlWriter (escaping is the writer's job, never ours).</summary>
public static class S3Xml
{
    public const string Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(false),
        Indent = false,
        Async = false,
        // Keys may hold characters XML 1.0 cannot carry; S3 clients then ask for encoding-type=url.
        CheckCharacters = false,
    };

    public static async Task WriteAsync(HttpResponse response, string root, Action<XmlWriter> body, int status = StatusCodes.Status200OK)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, Settings))
        {
            writer.WriteStartDocument();
            writer.WriteStartElement(root, Namespace);
            body(writer);
            writer.WriteEndElement();
            writer.WriteEndDocument();
        }
        response.StatusCode = status;
        response.ContentType = "application/xml";
        response.ContentLength = buffer.Length;
        buffer.Position = 0;
        await buffer.CopyToAsync(response.Body);
    }

    public static void Element(this XmlWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteElementString(name, Namespace, value);
        }
    }

    public static void Element(this XmlWriter writer, string name, long value) =>
        writer.WriteElementString(name, Namespace, value.ToString(CultureInfo.InvariantCulture));

    public static void Element(this XmlWriter writer, string name, bool value) =>
        writer.WriteElementString(name, Namespace, value ? "true" : "false");

    public static string Timestamp(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string HttpDate(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("r", CultureInfo.InvariantCulture);
}
