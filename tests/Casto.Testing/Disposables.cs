namespace Casto.Testing;

/// <summary>Tearing down a set of test nodes.</summary>
public static class Disposables
{
    /// <summary>
    /// Disposes every one of <paramref name="items"/> in order, even when some throw (one failure must not leave the
    /// rest running), then throws an <see cref="AggregateException"/> with <paramref name="failure"/> of what threw.
    /// </summary>
    public static async Task DisposeAllAsync(IEnumerable<IAsyncDisposable> items, string failure)
    {
        var errors = new List<Exception>();
        foreach (var item in items)
        {
            try
            {
                await item.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                errors.Add(ex);
            }
        }

        if (errors.Count > 0)
        {
            throw new AggregateException(failure, errors);
        }
    }
}
