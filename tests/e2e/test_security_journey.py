"""The browser enforces the Content-Security-Policy: an injected inline script
does not run, and the refusal is what the page fixtures listen for."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_injected_inline_script_is_refused(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    refusals: list[str] = []
    page.on("console", lambda message: refusals.append(message.text))
    page.goto("/accounts/login/")
    # What a stored cross-site-scripting payload would try, were one to slip past nh3.
    page.evaluate("""() => {
        const script = document.createElement('script');
        script.textContent = 'window.injected = true';
        document.body.appendChild(script);
        const styled = document.createElement('p');
        styled.setAttribute('style', 'color: red');
        styled.textContent = 'styled';
        document.body.appendChild(styled);
    }""")
    assert page.evaluate("() => window.injected") is None
    assert page.evaluate("() => getComputedStyle(document.querySelector('p:last-of-type')).color") != "rgb(255, 0, 0)"
    assert any("Content Security Policy" in text and "script" in text for text in refusals), refusals
    context.close()


def test_pages_carry_the_policy_header(page):
    response = page.goto("/accounts/login/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
