using System.Runtime.CompilerServices;

namespace Casto.Cli.Tests;

/// <summary>Many tree nodes share this test process: see <see cref="Casto.Testing.ThreadPoolForTests"/>.</summary>
internal static class TestThreadPool
{
    [ModuleInitializer]
    internal static void Raise() => Casto.Testing.ThreadPoolForTests.Raise();
}
