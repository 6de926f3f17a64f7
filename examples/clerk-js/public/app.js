// The page: load clerk-js, then either mount <SignIn /> (or <SignUp /> on /sign-up) or show who is
// signed in and what the app's backend makes of the __session cookie.
const clerk = window.Clerk;
const $ = (id) => document.getElementById(id);

async function askBackend() {
  const response = await fetch('/api/me', { credentials: 'same-origin' });
  $('backend').textContent = JSON.stringify(await response.json(), null, 2);
}

try {
  await clerk.load({
    telemetry: false,
    signInUrl: '/',
    signUpUrl: '/sign-up',
    signInFallbackRedirectUrl: '/',
    signUpFallbackRedirectUrl: '/',
    afterSignOutUrl: '/',
  });
} catch (error) {
  $('status').textContent = `clerk-js failed to load: ${error.message}`;
  throw error;
}

if (clerk.user) {
  $('status').textContent = 'Signed in.';
  $('user-id').textContent = clerk.user.id;
  $('signed-in').hidden = false;
  // /organizations: <OrganizationSwitcher />, the user's organizations, switching between them (and the
  // personal account), and creating one with <CreateOrganization />. The page reloads after a switch, so
  // the backend's answer below shows the organization now active. (Only on that page: the switcher draws
  // default avatars from img.clerk.com, and the other pages load nothing from elsewhere.)
  if (location.pathname === '/organizations') {
    $('organizations').textContent = 'Organization: ';
    const switcher = document.createElement('span');
    $('organizations').append(switcher);
    clerk.mountOrganizationSwitcher(switcher, {
      hidePersonal: false,
      afterSelectOrganizationUrl: '/organizations',
      afterSelectPersonalUrl: '/organizations',
      afterCreateOrganizationUrl: '/organizations',
      skipInvitationScreen: true,
    });
  }
  $('check').addEventListener('click', () => void askBackend());
  $('sign-out').addEventListener('click', () => void clerk.signOut({ redirectUrl: '/' }));
  await askBackend();
} else if (location.pathname === '/sign-up') {
  $('status').textContent = 'Signed out. Create an account:';
  clerk.mountSignUp($('clerk'), { routing: 'hash', signInUrl: '/' });
} else {
  $('status').textContent = 'Signed out.';
  clerk.mountSignIn($('clerk'), { routing: 'hash', signUpUrl: '/sign-up' });
}
