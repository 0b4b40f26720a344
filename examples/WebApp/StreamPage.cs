using System.Net;

namespace WebApp;

/// <summary>The stream's page: its statistics, refreshed every second from /stats, and how to play or record it.</summary>
internal static class StreamPage
{
    public static string Html(string stream)
    {
        string name = WebUtility.HtmlEncode(stream);
        return $$"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Casto: {{name}}</title>
            <style>body{font-family:system-ui;margin:2rem}td{padding:.2rem 1rem}</style></head>
            <body>
            <h1>Stream <code>{{name}}</code></h1>
            <table id="stats"><tr><td>state</td><td>loading…</td></tr></table>
            <p><a href="/record?seconds=5">Record 5 s</a> · <a href="/healthz">health</a> · <a href="/stats">stats JSON</a></p>
            <script>
            async function refresh() {
              const r = await fetch('/stats');
              const s = await r.json();
              const rows = Object.entries(s).map(([k, v]) => `<tr><td>${k}</td><td>${v ?? ''}</td></tr>`).join('');
              document.getElementById('stats').innerHTML = rows;
            }
            refresh(); setInterval(refresh, 1000);
            </script>
            </body>
            </html>
            """;
    }
}
