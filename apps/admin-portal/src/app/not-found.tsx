import { NotFoundPanel } from '@mypay/portal-ui/not-found-panel';

export default function NotFound() {
  return (
    <NotFoundPanel home="Back to the admin home">
      This page or object does not exist. Check the id, or go back to the list it came from.
    </NotFoundPanel>
  );
}
