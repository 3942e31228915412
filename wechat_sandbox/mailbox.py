"""The sandbox mail outbox page (/sandbox/mail): mail sent by the app in development lands here."""
