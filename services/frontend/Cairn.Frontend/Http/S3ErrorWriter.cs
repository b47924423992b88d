using System.Xml;
using Cairn.Frontend.Backends;
using Cairn.S3.Protocol;
using Microsoft.AspNetCore.Http;

namespace Cairn.Frontend.Http;

/// <summary>The one writer of S3 error responses: <c>&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;Resource/&gt;&lt;RequestId/&gt;&lt;/Error&gt;</c>.</summary>
public static class S3ErrorWriter
{
    public static async Task WriteAsync(HttpContext http, S3Exception error, string requestId)
    {
        var response = http.Response;
        response.StatusCode = error.StatusCode;
        foreach (var (name, value) in error.Extra)
        {
            if (name.StartsWith(NamespaceErrors.ResponseHeaderPrefix, StringComparison.Ordinal))
            {
                response.Headers[name[NamespaceErrors.ResponseHeaderPrefix.Length..]] = value;
            }
        }
        // HEAD responses and 304 carry no body: the status (and headers) are the whole answer.
        if (HttpMethods.IsHead(http.Request.Method) || error.StatusCode == StatusCodes.Status304NotModified)
        {
            return;
        }
        var resource = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.ToString();
        var queryStart = resource.IndexOf('?', StringComparison.Ordinal);
        if (queryStart >= 0)
        {
            resource = resource[..queryStart];
        }
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new System.Text.UTF8Encoding(false), CheckCharacters = false }))
        {
            writer.WriteStartDocument();
            writer.WriteStartElement("Error");
            writer.WriteElementString("Code", error.Code);
            writer.WriteElementString("Message", error.Message);
            foreach (var (name, value) in error.Extra)
            {
                if (!name.StartsWith(NamespaceErrors.ResponseHeaderPrefix, StringComparison.Ordinal))
                {
                    writer.WriteElementString(name, value);
                }
            }
            writer.WriteElementString("Resource", resource);
            writer.WriteElementString("RequestId", requestId);
            writer.WriteEndElement();
            writer.WriteEndDocument();
        }
        response.ContentType = "application/xml";
        response.ContentLength = buffer.Length;
        buffer.Position = 0;
        await buffer.CopyToAsync(response.Body, http.RequestAborted);
    }
}
