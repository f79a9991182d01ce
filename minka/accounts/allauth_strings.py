"""allauth's own messages that Minka words again in its catalog.

allauth's Spanish catalog mixes "tú" and "usted"; Minka speaks "usted" throughout. The
project's catalog (``LOCALE_PATHS``) is merged after every app's, so a msgid it translates
wins over allauth's. ``makemessages`` only keeps msgids it finds in Minka's code, so the ones
to reword are listed here; each must be exactly allauth's msgid (template strings with their
``%(name)s`` placeholders). Nothing imports this module.
"""

from django.utils.translation import gettext_noop

MESSAGES = (
    # allauth.account.adapter
    gettext_noop("Please select only one."),
    gettext_noop("Be patient, you are sending too many requests."),
    gettext_noop("Use authenticator app or code"),
    # allauth.mfa.adapter
    gettext_noop(
        "You cannot generate recovery codes without having two-factor authentication enabled."
    ),
    # templates/account/verified_email_required.html
    gettext_noop(
        '<strong>Note:</strong> you can still <a href="%(email_url)s">change your email '
        "address</a>."
    ),
    # templates/account/verification_sent.html
    gettext_noop(
        "We have sent an email to you for verification. Follow the link provided to finalize "
        "the signup process. If you do not see the verification email in your main inbox, "
        "check your spam folder. Please contact us if you do not receive the verification "
        "email within a few minutes."
    ),
    # templates/account/snippets/warn_no_email.html
    gettext_noop(
        "You currently do not have any email address set up. You should really add an email "
        "address so you can receive notifications, reset your password, etc."
    ),
    # templates/account/email/email_confirmation_message.txt
    gettext_noop(
        "You're receiving this email because user %(user_display)s has given your email "
        "address to register an account on %(site_domain)s."
    ),
    gettext_noop("To confirm this is correct, go to %(activate_url)s"),
    # templates/mfa/recovery_codes/index.html and templates/mfa/messages/
    gettext_noop("Download codes"),
    gettext_noop("Save them  in a secure location now — they won't be shown again."),
)
