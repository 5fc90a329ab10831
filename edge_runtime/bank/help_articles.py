"""The demo bank's help center: short policy articles on the topics customers ask about (BANKING77's).

The figures are fictional but consistent with the rest of the demo bank and the toolbox's rules (a saved
payee can receive at most $2,500 per transfer; a replacement card arrives in 5 to 7 business days; savings
pay 4.10% APY). Each body is a few short paragraphs, one topic each: an answer quotes the paragraph that
fits the question best, so a paragraph must read well on its own.
"""

from __future__ import annotations

from typing import Final

from edge_runtime.bank.store import HelpArticle


def _article(slug: str, title: str, keywords: str, *paragraphs: str) -> HelpArticle:
    words = tuple(word.strip() for word in keywords.split(",") if word.strip())
    return HelpArticle(
        slug=slug, title=title, keywords=words, body="\n\n".join(" ".join(p.split()) for p in paragraphs)
    )


HELP_ARTICLES: Final[tuple[HelpArticle, ...]] = (
    _article(
        "account-fees",
        "Account fees",
        "fees, charges, monthly fee, maintenance fee, overdraft, pricing, cost, free account, wire fee",
        """Checking has no monthly fee when at least $500 a month arrives by direct deposit; otherwise the fee
        is $5 a month. Savings accounts have no monthly fee and no minimum balance.""",
        """We don't charge overdraft fees: a payment that would overdraw your checking account is declined
        instead. Outgoing domestic wires cost $15, incoming wires are free, and a stop-payment order costs
        $15.""",
    ),
    _article(
        "international-transfer-fees",
        "International transfer fees",
        "international transfer, abroad, overseas, foreign, cross-border, wire, swift, send money abroad, "
        "transfer fee, fee charged",
        """Sending money abroad costs a flat $4.99 per transfer, plus a 0.5% exchange margin on weekdays and
        1% at weekends, when currency markets are closed. The total fee is shown before you confirm.""",
        """Transfers in one of our 28 supported currencies arrive in 1 to 3 business days. Transfers in other
        currencies go by SWIFT, cost $25 and can take up to 5 business days; intermediary banks may take their
        own fee.""",
    ),
    _article(
        "transfer-limits",
        "Transfer limits and timing",
        "transfer limit, send money, pending transfer, how long, arrive, saved payee, failed transfer, "
        "domestic transfer, maximum transfer",
        """Moving money between your own accounts is instant, free and unlimited. A saved payee can receive up
        to $2,500 per transfer and $5,000 per day; domestic transfers are free.""",
        """Transfers to other US banks usually arrive the same day and always within 1 business day; until then
        they show as pending. A transfer that fails, for example because of wrong account details, is returned
        to your account within 3 business days.""",
    ),
    _article(
        "exchange-rates",
        "Exchange rates and currency conversion",
        "exchange rate, currency conversion, wrong exchange rate, foreign currency, markup, weekend rate, fx, "
        "convert currency, exchange in app",
        """Card payments and cash withdrawals in another currency are converted at the Mastercard rate of the
        day the payment settles, with no markup on weekdays and 0.5% at weekends. Settlement can be a day or
        two after the purchase, so the rate may differ from the one on the day you paid.""",
        """If a shop or ATM offers to charge you in dollars, decline it: their conversion rate is almost always
        worse than ours. You can also exchange money between currency balances in the app at the live rate,
        free up to $1,000 a month and 0.5% above that.""",
    ),
    _article(
        "card-payment-fees",
        "Card payment fees",
        "card payment fee, charged a fee, foreign transaction fee, surcharge, cash advance, extra fee, fee on purchase",
        """Purchases in the US are free with both cards. Abroad, the debit card has a 1% foreign transaction
        fee and the credit card has none.""",
        """A fee on a purchase usually comes from the merchant, who may add a surcharge for card payments.
        Cash-like purchases with the credit card, such as casino chips or cryptocurrency, count as a cash
        advance: 3% of the amount, at least $10.""",
    ),
    _article(
        "atm-withdrawals",
        "ATM withdrawals: limits and fees",
        "atm, cash withdrawal, withdraw cash, cash machine, atm fee, atm limit, swallowed card, "
        "wrong amount of cash, cash withdrawal charge",
        """Withdrawals are free at more than 40,000 Allpoint ATMs in the US; other US ATMs cost $2.50. Abroad,
        your first $200 a month are free and then 2% applies, and the ATM's owner may add a fee of its own. The
        debit card can withdraw up to $800 a day.""",
        """If an ATM gave you the wrong amount of cash, report it within 60 days: we investigate with the ATM's
        operator and answer within 10 business days. If an ATM kept your card, freeze the card and order a
        replacement.""",
    ),
    _article(
        "card-limits",
        "Card spending limits",
        "card limit, spending limit, daily limit, maximum, contactless limit, disposable card limit, "
        "raise limit, change limit",
        """The debit card can spend up to $5,000 a day in shops and online and withdraw up to $800 a day at
        ATMs. The credit card can spend up to your credit limit. A disposable virtual card works for one
        purchase of up to $1,000.""",
        """You can lower a limit at any time in the app under Card, then Limits. Raising a limit up to the
        maximum takes effect at once after a quick identity check.""",
    ),
    _article(
        "top-ups",
        "Adding money to your account",
        "top up, top-up, add money, load money, deposit, cash deposit, cheque, check deposit, mobile deposit, "
        "auto top-up, automatic top up, top up limit, top up by card, top up by bank transfer",
        """You can add money by bank transfer from another bank, free, in 1 to 2 business days, or instantly
        with a debit card in your name: free up to $1,000 a month, then 1.5%. Credit cards can't be used to top
        up. Card top-ups are limited to $5,000 a day and $10,000 a month.""",
        """Cash can be paid in at 90,000 shops in the Green Dot network for $4.95, up to $500 a day. Checks
        are deposited by photo in the app: the first $225 is available the next business day and the rest two
        days later. Automatic top-up adds a set amount by card whenever your balance falls below a threshold
        you choose.""",
    ),
    _article(
        "top-up-problems",
        "Pending, failed or reverted top-ups",
        "top up pending, top-up failed, top up reverted, declined top up, verify top up, top up not showing, "
        "top up missing, card top up problem",
        """A top-up by bank transfer shows as pending for up to 2 business days. A card top-up can stay pending
        while your card's issuer runs a security check.""",
        """A card top-up fails when the issuer declines it, when it would exceed your top-up limit, or when the
        card isn't in your name. If your issuer reverses a top-up after a fraud check, the money goes back to
        that card within 3 to 5 business days. To verify a new top-up card, enter the code shown next to the
        small charge on that card's statement.""",
    ),
    _article(
        "supported-currencies",
        "Supported currencies, countries and card networks",
        "supported currencies, fiat currency, which currencies, countries, country support, visa or mastercard, "
        "card network, where can I use my card, accepted, card acceptance",
        """You can hold and exchange 28 currencies, including euros, British pounds, Canadian dollars, Mexican
        pesos, Japanese yen, Australian dollars and Swiss francs.""",
        """Both our cards are Mastercard and work wherever Mastercard is accepted, in more than 200 countries.
        Accounts are open to residents of all 50 US states; cards don't work in countries under US
        sanctions.""",
    ),
    _article(
        "card-delivery",
        "Card delivery times",
        "card delivery, card arrival, card not arrived, when will my card arrive, shipping, replacement card, "
        "new card, express delivery, physical card, order card",
        """New and replacement cards arrive in 5 to 7 business days by free standard mail, or in 2 business
        days by express delivery for $15. You can follow the delivery in the app.""",
        """If your card hasn't arrived after 10 business days, tell us: we cancel it and send a new one for free.
        Cards arrive inactive; activate yours in the app or ask the assistant to activate it.""",
    ),
    _article(
        "verify-identity",
        "Verifying your identity",
        "verify identity, identity verification, id check, kyc, documents, selfie, passport, driver's license, "
        "why verify, unable to verify, verification failed",
        """Federal law requires us to confirm the name, date of birth, address and Social Security number of
        everyone who opens an account. In the app, take a photo of your driver's license or passport and a
        selfie; most checks finish within an hour, all within 2 business days.""",
        """If verification fails, check that the document hasn't expired, that the whole document is in the
        photo without glare, and that the name matches the one you signed up with. After three failed attempts,
        contact us by secure chat and we will check your documents by hand.""",
    ),
    _article(
        "source-of-funds",
        "Source of funds checks",
        "source of funds, proof of funds, large deposit, documents, payslip, account review, restricted account, "
        "verify source",
        """For deposits over $10,000 or unusual activity we may ask where the money came from. Pay slips, a
        sale contract or statements from another bank are enough.""",
        """While we review them, some features of the account may be limited. We answer within 3 business days
        of receiving the documents.""",
    ),
    _article(
        "disputes",
        "Disputing a card charge",
        "dispute, chargeback, unrecognised charge, charge not recognised, fraud, charged twice, duplicate charge, "
        "wrong amount, extra charge on statement, unknown payment",
        """If you don't recognise a charge, first check the merchant's name: it often differs from the shop's
        name. If it's still wrong, dispute it within 60 days of the statement it appeared on: in the app, tap the
        transaction, then Report a problem. Freeze your card if you suspect fraud.""",
        """We give a provisional credit within 10 business days while we investigate, and resolve disputes
        within 90 days. A charge that appears twice is often a pending authorisation that disappears within 3
        to 5 days; dispute it only if both post.""",
    ),
    _article(
        "declined-payments",
        "Why a card payment was declined",
        "declined, decline, card declined, payment declined, card not working, rejected, refused, "
        "card doesn't work, declined cash withdrawal, transaction declined, payment failed",
        """Payments are declined when the balance or credit limit isn't enough, when the card is frozen,
        expired or past a spending limit, after a wrong PIN, or when our fraud check needs you to confirm the
        payment by text message.""",
        """Payments abroad or online are also declined if you turned them off in the card's settings. If none of
        these apply, freeze and unfreeze the card once in the app, then try again.""",
    ),
    _article(
        "pin-and-passcode",
        "Your PIN and app passcode",
        "pin, change pin, forgot pin, pin blocked, passcode, forgot passcode, unblock pin, reset pin, "
        "view pin, app login",
        """You can see your PIN in the app under Card, then Show PIN, and change it at any Allpoint ATM. After
        three wrong PIN attempts the PIN is blocked: unblock it at an Allpoint ATM under PIN services, or in the
        app after 24 hours.""",
        """If you forgot the app passcode, tap Forgot passcode on the login screen and confirm your identity
        with a text message code and a selfie.""",
    ),
    _article(
        "close-account",
        "Closing your account",
        "close account, terminate account, cancel account, delete account, leave the bank, closing, shut down account",
        """Closing an account is free. Move the balance out first, wait until pending transactions have
        settled, pay off the credit card and cancel direct debits and autopay.""",
        """Then close the account in the app under Settings, Close account, or ask us by secure chat. Closing
        takes up to 5 business days, and we keep your statements for 7 years.""",
    ),
    _article(
        "open-account",
        "Opening an account",
        "open account, new account, age limit, how old, minimum age, sign up, join, eligibility, teen account, "
        "open savings account, apply for credit card",
        """You can open an account at 18 or older if you live in the US and have a Social Security number or
        ITIN; teens of 13 to 17 can have a teen account managed with a parent. Signing up takes about 10 minutes
        in the app, with no minimum deposit.""",
        """A savings account opens instantly in the app once you have checking. A credit card application
        includes a credit check, and you get a decision within minutes.""",
    ),
    _article(
        "refunds",
        "Refunds",
        "refund, money back, refund not showing, return, reversed payment, reverted card payment, "
        "merchant refund, request refund",
        """A merchant's refund reaches the card you paid with 5 to 10 business days after the merchant sends
        it; it shows as pending first. A payment that was reversed before it settled disappears within 3 to 7
        days.""",
        """If a refund hasn't arrived after 15 business days, ask the merchant for the refund's reference
        number, then dispute the original charge in the app.""",
    ),
    _article(
        "direct-debits",
        "Direct debits, autopay and recurring payments",
        "direct debit, ach debit, recurring payment, autopay, standing order, unrecognised direct debit, "
        "subscription, cancel direct debit",
        """Companies can collect payments from your checking account with your account and routing numbers.
        You see every recurring payment in the app and can cancel one there, at least 3 business days before
        the next payment.""",
        """Report a direct debit you don't recognise within 60 days and we refund it in full. Autopay for bills
        can be turned on or off for each payee; it pays the full amount due on the due date.""",
    ),
    _article(
        "contactless-and-wallets",
        "Contactless, Apple Pay and Google Pay",
        "contactless, tap to pay, apple pay, google pay, wallet, nfc, phone payment, contactless not working, "
        "lost phone, stolen phone",
        """Contactless payments work up to $250 a tap in the US. Add your cards to Apple Pay or Google Pay from
        the card's page in the app.""",
        """If contactless stops working, pay once with chip and PIN: for your safety, the card asks for its PIN
        after several taps in a row. If your phone is lost or stolen, freeze your cards in the app from another
        device and remove them from the phone's wallet remotely.""",
    ),
    _article(
        "virtual-cards",
        "Virtual and disposable cards",
        "virtual card, disposable card, single-use card, online shopping card, virtual card not working, "
        "spare card, additional card, extra card, get virtual card",
        """You can create up to 5 virtual cards in the app, instantly and for free. A disposable virtual card
        gets a new number after every purchase and works for up to $1,000 per purchase.""",
        """If a virtual card doesn't work, check that it isn't frozen; some merchants, like car rental companies
        and hotels, need a physical card. An additional physical card costs $5.""",
    ),
    _article(
        "receiving-money",
        "Receiving money and your account details",
        "receive money, account number, routing number, direct deposit, salary, incoming transfer, "
        "transfer into account, swift code, incoming wire, get paid",
        """Your account and routing numbers are in the app under Accounts, then Details. Give them to your
        employer for direct deposit: salary arrives up to 2 days early. Transfers from other US banks arrive
        within 1 business day.""",
        """To receive money from abroad, give the sender your account number and our SWIFT code NWBKUS33.
        Incoming international wires are free and take 2 to 5 business days.""",
    ),
    _article(
        "personal-details",
        "Updating your personal details",
        "personal details, change address, change name, update email, phone number, edit profile, "
        "new address, legal name",
        """Change your address, phone number or email in the app under Settings, then Profile. Changes take
        effect within 1 business day.""",
        """A new legal name needs a document, such as a marriage certificate, uploaded in the app. Once it is
        approved we send you new cards in the new name for free.""",
    ),
    _article(
        "lost-or-stolen-cards",
        "Lost, stolen or compromised cards",
        "lost card, stolen card, stole, steal, thief, freeze card, compromised card, block card, missing card, "
        "unfreeze, card stolen, someone used my card, lost wallet",
        """If you can't find your card, freeze it in the app or ask the assistant: freezing is instant and you
        can undo it. If it is lost or stolen for good, report it: the card is blocked permanently and you can
        order a replacement, which arrives in 5 to 7 business days.""",
        """You aren't liable for charges you didn't make if you report them within 2 business days of noticing.
        If your card details may have been copied, report the card as compromised and we replace it.""",
    ),
    _article(
        "savings-interest",
        "Savings interest",
        "interest rate, savings interest, apy, how is interest paid, when is interest paid, savings rate, "
        "earn interest",
        """Savings earn a variable 4.10% APY with no minimum balance. Interest is calculated daily on the
        balance at the end of each day and paid on the last day of each month.""",
        """We announce any change of the rate by email 30 days before it applies. Interest is reported to the
        IRS on form 1099-INT when you earn $10 or more in a year.""",
    ),
)
