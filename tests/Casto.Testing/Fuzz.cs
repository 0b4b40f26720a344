namespace Casto.Testing;

/// <summary>Helpers for "bad input only raises the area's typed exception" properties.</summary>
public static class Fuzz
{
    /// <summary>Runs <paramref name="action"/>; succeeding or throwing <typeparamref name="T"/> is fine, anything else fails.</summary>
    public static void OnlyThrows<T>(Action action)
        where T : Exception
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            action();
        }
        catch (T)
        {
        }
        catch (Exception ex)
        {
            throw new Xunit.Sdk.XunitException($"Expected success or {typeof(T).Name}, got {ex.GetType().Name}: {ex}");
        }
    }
}
