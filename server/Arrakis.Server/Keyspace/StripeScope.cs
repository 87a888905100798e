namespace Arrakis.Server.Keyspace;

/// <summary>One stripe held as a lock scope: <c>using (keyspace.Hold(stripe)) { ... }</c>. Effects recorded
/// inside are appended to the log before the stripe is let go.</summary>
internal readonly ref struct StripeScope
{
    private readonly Keyspace _keyspace;
    private readonly Stripe _stripe;

    public StripeScope(Keyspace keyspace, Stripe stripe)
    {
        _keyspace = keyspace;
        _stripe = stripe;
        keyspace.Enter(stripe);
        try
        {
            keyspace.Snapshot?.EnsureCaptured(stripe);
        }
        catch
        {
            stripe.Gate.Exit();
            throw;
        }
        Durability.EffectRecorder.Current?.EnterScope();
    }

    public void Dispose()
    {
        try
        {
            Durability.EffectRecorder.Current?.ExitScope(_keyspace, [_stripe.Index]);
        }
        finally
        {
            _stripe.Gate.Exit();
        }
    }
}
